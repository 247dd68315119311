package dev.baton.server.api;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The bound of {@code GET /system/history}: {@code ?limit=} and how samples are downsampled to it. */
class SystemHistoryLimitTest {
    private static List<Integer> upTo(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    @Test
    void a_window_within_the_limit_is_returned_whole() {
        assertThat(SystemEndpoints.downsample(upTo(5), 5)).containsExactly(0, 1, 2, 3, 4);
        assertThat(SystemEndpoints.downsample(List.of(), 3)).isEmpty();
    }

    @Test
    void a_longer_window_is_downsampled_evenly_keeping_the_oldest_and_the_newest() {
        assertThat(SystemEndpoints.downsample(upTo(11), 3)).containsExactly(0, 5, 10);
        assertThat(SystemEndpoints.downsample(upTo(100), 4)).containsExactly(0, 33, 66, 99);
        assertThat(SystemEndpoints.downsample(upTo(10), 1)).containsExactly(9);
        List<Integer> big = SystemEndpoints.downsample(upTo(360_000), 1_000);
        assertThat(big).hasSize(1_000).isSorted().doesNotHaveDuplicates();
        assertThat(big.getFirst()).isZero();
        assertThat(big.getLast()).isEqualTo(359_999);
    }

    @Test
    void the_limit_defaults_to_a_thousand_and_is_between_one_and_ten_thousand() {
        assertThat(SystemEndpoints.historyLimit(null)).isEqualTo(1_000);
        assertThat(SystemEndpoints.historyLimit("1")).isEqualTo(1);
        assertThat(SystemEndpoints.historyLimit("10000")).isEqualTo(10_000);
        for (String bad : List.of("0", "-3", "10001", "ten", "", "1.5", "99999999999")) {
            assertThatThrownBy(() -> SystemEndpoints.historyLimit(bad)).as(bad)
                    .isInstanceOfSatisfying(BatonException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                        assertThat(e.getMessage()).contains("limit").contains("between 1 and 10000");
                    });
        }
    }
}
