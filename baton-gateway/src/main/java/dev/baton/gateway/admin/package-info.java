/**
 * The operator's view of the gateway: each deployment's breaker state, health history, traffic figures, and the
 * switch to enable or disable it at run time.
 */
package dev.baton.gateway.admin;
