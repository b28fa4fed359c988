package dev.triggerfish.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Page parameters of a list request: {@code page} from 1, {@code per_page} from 1 to 500 (default 50),
 * and no page that starts beyond the {@value #MAX_OFFSET}th row (its offset would overflow).
 */
public record Paging(int page, int perPage) {
    public static final int DEFAULT_PER_PAGE = 50;
    public static final int MAX_PER_PAGE = 500;
    /** The offset of the first row of a page is at most this. */
    public static final long MAX_OFFSET = Integer.MAX_VALUE;

    /** @throws ApiProblem 400 naming the bad query parameter */
    public static Paging of(Integer page, Integer perPage) {
        int p = page == null ? 1 : page;
        int n = perPage == null ? DEFAULT_PER_PAGE : perPage;
        if (p < 1) {
            throw ApiProblem.badRequest("page", "must be 1 or more");
        }
        if (n < 1 || n > MAX_PER_PAGE) {
            throw ApiProblem.badRequest("per_page", "must be between 1 and " + MAX_PER_PAGE);
        }
        if ((long) (p - 1) * n > MAX_OFFSET) {
            throw ApiProblem.badRequest("page", "is too large: page × per_page must stay below " + MAX_OFFSET);
        }
        return new Paging(p, n);
    }

    public int offset() {
        return (page - 1) * perPage;
    }

    /** The list answer: {@code data}, {@code page}, {@code per_page}, {@code total}. */
    public static Map<String, Object> body(List<?> data, int page, int perPage, long total) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("data", data);
        body.put("page", page);
        body.put("per_page", perPage);
        body.put("total", total);
        return body;
    }
}
