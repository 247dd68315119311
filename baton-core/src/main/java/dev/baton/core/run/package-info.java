/** Run records, step attempts and the journal entries that change them. Depends on Jackson and the JDK only. */
package dev.baton.core.run;
