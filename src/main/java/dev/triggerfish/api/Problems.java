package dev.triggerfish.api;

import dev.triggerfish.support.Conflict;
import dev.triggerfish.support.DomainFailure;
import dev.triggerfish.support.InvalidInput;
import dev.triggerfish.support.NotFound;
import dev.triggerfish.support.VersionConflict;

/** The problem+json answer to each domain failure: its status, title, detail and bad fields. */
public final class Problems {
    private Problems() {
    }

    public static ApiProblem of(DomainFailure failure) {
        String detail = failure.getMessage();
        if (failure instanceof NotFound) {
            return new ApiProblem(404, "Not found", detail);
        }
        if (failure instanceof InvalidInput invalid) {
            return new ApiProblem(422, "Invalid " + invalid.what(), detail, invalid.errors());
        }
        if (failure instanceof VersionConflict conflict) {
            return conflict.expectedByPrecondition()
                    ? new ApiProblem(412, "Precondition failed", detail)
                    : new ApiProblem(409, "Conflict", detail);
        }
        if (failure instanceof Conflict) {
            return new ApiProblem(409, "Conflict", detail);
        }
        throw new IllegalArgumentException("no problem+json answer for " + failure.getClass().getName(), failure);
    }
}
