package dev.baton.observability.alerts;

/** Told of every alert that fires and every alert that resolves (e.g. {@link WebhookNotifier}). */
@FunctionalInterface
public interface AlertListener {
    /** Tells nobody. */
    AlertListener NONE = alert -> {
    };

    /**
     * An alert changed state: {@link AlertState#FIRING} when it fired, {@link AlertState#RESOLVED} when it
     * resolved. Called on the evaluating thread after the change, in order, one evaluation at a time (outside
     * the lock that guards the alerts, so it may read them); must return quickly (hand
     * slow work such as I/O to another thread) and must not throw.
     */
    void changed(Alert alert);
}
