package dev.triggerfish.insight;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DurationBucketsTest {

    private static List<Long> counts(int... perBucket) {
        List<Long> out = new ArrayList<>(Collections.nCopies(DurationBuckets.BOUNDS_MS.length + 1, 0L));
        for (int i = 0; i < perBucket.length; i++) {
            out.set(i, (long) perBucket[i]);
        }
        return out;
    }

    @Test
    void theP95IsTheUpperBoundOfTheBucketHoldingIt() {
        assertEquals(0.1, DurationBuckets.p95Seconds(counts(95, 5)));
        assertEquals(0.25, DurationBuckets.p95Seconds(counts(94, 6)));
        assertEquals(30.0, DurationBuckets.p95Seconds(counts(0, 0, 0, 0, 0, 0, 0, 1)));
    }

    @Test
    void noDurationsHaveNoP95AndThoseBeyondTheLastBoundAreOpenEnded() {
        assertNull(DurationBuckets.p95Seconds(counts()));
        List<Long> long_ = counts();
        long_.set(DurationBuckets.BOUNDS_MS.length, 3L);
        assertTrue(DurationBuckets.p95Seconds(long_).isInfinite());
    }

    @Test
    void theSqlCountsOneBucketPerBoundAndOneBeyond() {
        String sql = DurationBuckets.sqlCounts("ms");
        assertEquals(DurationBuckets.BOUNDS_MS.length + 1, sql.split("count\\(\\*\\)").length - 1);
        assertTrue(sql.contains("ms > 100 and ms <= 250"), sql);
        assertTrue(sql.contains("ms > 3600000)"), sql);
    }

    @Test
    void theSqlSumsEveryBucket() {
        String sql = DurationBuckets.sqlSums("b");
        assertTrue(sql.startsWith("array[sum(b[1]), sum(b[2])"), sql);
        assertTrue(sql.contains("sum(b[" + (DurationBuckets.BOUNDS_MS.length + 1) + "])]"), sql);
    }
}
