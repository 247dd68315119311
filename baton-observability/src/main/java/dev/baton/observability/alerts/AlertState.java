package dev.baton.observability.alerts;

import java.util.Locale;

/** Where an alert is in its life: firing until its condition clears, then resolved for good. */
public enum AlertState {
    /** The condition has held for the rule's {@code for} duration and still holds. */
    FIRING,
    /** The condition cleared (or the rule was switched off); a new breach makes a new alert. */
    RESOLVED;

    public boolean isTerminal() {
        return this == RESOLVED;
    }

    /** Lower-case name used on the wire. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
