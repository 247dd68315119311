package dev.baton.core.engine;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link EngineObserver#of}: how observers combine. */
class EngineObserverOfTest {
    @Test
    void switched_off_observers_combine_to_none_so_the_engine_observes_nothing() {
        assertThat(EngineObserver.of(List.of())).isSameAs(EngineObserver.NONE);
        assertThat(EngineObserver.of(List.of(EngineObserver.NONE, EngineObserver.NONE, EngineObserver.NONE)))
                .isSameAs(EngineObserver.NONE);
    }

    @Test
    void none_entries_are_left_out_of_a_combination() {
        RecordingObserver one = new RecordingObserver();
        RecordingObserver two = new RecordingObserver();

        assertThat(EngineObserver.of(List.of(EngineObserver.NONE, one, EngineObserver.NONE))).isSameAs(one);
        assertThat(EngineObserver.of(List.of(one, EngineObserver.NONE, two)))
                .isInstanceOf(CompositeEngineObserver.class);
    }
}
