package dev.baton.server;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.security.EgressPolicy;
import dev.baton.core.security.HostResolver;
import dev.baton.gateway.config.Deployment;
import dev.baton.gateway.config.GatewayConfig;
import dev.baton.gateway.config.ModelAlias;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.UnknownHostException;

/**
 * The start-up check of gateway deployments against the egress policy: every address of every deployment's base
 * URL host must be allowed ({@link EgressPolicy#requireAll}: the gateway's JDK client connects to the first
 * address of its own answer, so one allowed address among refused ones is not enough), so that a deployment pointing at, say, a local Ollama on
 * {@code http://localhost:11434} stops the node with a message naming the deployment and
 * {@code security.egress.allow} instead of failing every call later. (Each exchange is checked again, see
 * {@link dev.baton.gateway.provider.http.UpstreamHttp}.) A host that does not resolve now is only logged: DNS
 * may be back by the time the deployment is called. Stateless.
 */
final class DeploymentEgress {
    private static final Logger LOG = LoggerFactory.getLogger(DeploymentEgress.class);

    private DeploymentEgress() {
    }

    /**
     * @throws BatonException INVALID_INPUT naming {@code gateway.models.<alias>.deployments[i].baseUrl}, the
     *                        deployment, the refused address and its class, and {@code security.egress.allow}
     */
    static void check(GatewayConfig config, EgressPolicy egress, HostResolver resolver) {
        if (!egress.enabled()) {
            return;
        }
        for (ModelAlias alias : config.models().values()) {
            for (int i = 0; i < alias.deployments().size(); i++) {
                Deployment deployment = alias.deployments().get(i);
                if (deployment.baseUrl() == null || deployment.baseUrl().getHost() == null) {
                    continue;
                }
                String host = deployment.baseUrl().getHost();
                try {
                    egress.requireAll(host, resolver);
                } catch (UnknownHostException e) {
                    LOG.warn("deployment {}: cannot resolve {} now; its egress is checked again on every call",
                            deployment.id(), host);
                } catch (BatonException e) {
                    if (e.code() != ErrorCode.EGRESS_DENIED) {
                        throw e;
                    }
                    throw BatonException.invalidInput("gateway.models." + alias.name() + ".deployments[" + i
                            + "].baseUrl", "deployment " + deployment.id() + ": " + e.getMessage());
                }
            }
        }
    }
}
