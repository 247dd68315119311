package dev.baton.core.store;

import java.util.List;

/**
 * One page of a listing.
 *
 * @param items      the items, in listing order
 * @param nextCursor cursor for the next page, or {@code null} when this is the last page
 */
public record Page<T>(List<T> items, String nextCursor) {
    public Page {
        items = List.copyOf(items);
    }
}
