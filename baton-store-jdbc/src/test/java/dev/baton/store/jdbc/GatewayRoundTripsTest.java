package dev.baton.store.jdbc;

import dev.baton.gateway.usage.BudgetAccount;
import dev.baton.gateway.usage.BudgetAccounts;
import dev.baton.gateway.config.Budget;
import dev.baton.gateway.usage.UsageDimension;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Database round trips of the shared gateway state, counted (docs/gateway.md, "Several nodes"): what an admitted
 * call costs the database besides its usage record.
 */
class GatewayRoundTripsTest {
    private static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2026-01-01T00:00:00Z"));

    private static EmbeddedPostgres postgres;
    private static JdbcStores stores;

    @BeforeAll
    static void start() {
        postgres = Databases.startPostgres();
        stores = Databases.openPostgres(postgres);
    }

    @AfterAll
    static void stop() throws IOException {
        stores.close();
        postgres.close();
    }

    @Test
    void a_bucket_operation_is_three_round_trips_and_eight_once_when_it_creates_the_bucket() {
        var counter = new StatementCounter(stores.dataSource());
        Bucket bucket = new JdbcBuckets(counter.dataSource(), CLOCK).bucket("key/rt/rpm/100",
                BucketConfiguration.builder()
                        .addLimit(limit -> limit.capacity(100).refillGreedy(100, Duration.ofMinutes(1))).build());

        assertThat(bucket.tryConsumeAndReturnRemaining(1).isConsumed()).isTrue();
        int creating = counter.take();
        assertThat(bucket.tryConsumeAndReturnRemaining(1).isConsumed()).isTrue();
        int taking = counter.take();
        bucket.addTokens(1);
        int givingBack = counter.take();

        assertThat(taking).as("SELECT ... FOR UPDATE, UPDATE, COMMIT").isEqualTo(3);
        assertThat(givingBack).isEqualTo(3);
        // the first command finds no state; Bucket4j then inserts the row and repeats the command with the
        // configuration: once per bucket name and database
        assertThat(creating).isEqualTo(8);
    }

    @Test
    void a_budget_reservation_and_its_settlement_are_one_round_trip_each() {
        var counter = new StatementCounter(stores.dataSource());
        try (var budgets = new JdbcBudgets(counter.dataSource(), Duration.ofMinutes(2), false)) {
            List<BudgetAccount> key = List.of(new BudgetAccount("key:rt", "budget of key 'rt'", new Budget(1_000, 0),
                    UsageDimension.PRINCIPAL, "rt"));
            budgets.reserve(key, 10, 0).settle(10, 0);
            int first = counter.take();

            BudgetAccounts.Hold hold = budgets.reserve(key, 10, 0);
            int reserving = counter.take();
            hold.settle(5, 0);
            int settling = counter.take();

            assertThat(first).as("reserve finds no row, reads it, creates it from usage records, reserves; settle")
                    .isEqualTo(5);
            assertThat(reserving).isEqualTo(1);
            assertThat(settling).isEqualTo(1);
        }
    }
}
