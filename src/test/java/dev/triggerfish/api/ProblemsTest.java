package dev.triggerfish.api;

import dev.triggerfish.support.Conflict;
import dev.triggerfish.support.FieldError;
import dev.triggerfish.support.InvalidInput;
import dev.triggerfish.support.NotFound;
import dev.triggerfish.support.VersionConflict;
import dev.triggerfish.trigger.InvalidTrigger;
import dev.triggerfish.trigger.TriggerNotFound;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The one translation of domain failures into problem+json (plain Java). */
class ProblemsTest {

    @Test
    void whatDoesNotExistIs404() {
        ApiProblem p = Problems.of(new TriggerNotFound(42));
        assertEquals(404, p.status());
        assertEquals("Not found", p.title());
        assertEquals("trigger 42 does not exist", p.getMessage());
        assertEquals("table crm.deals is not captured", Problems.of(new NotFound("table crm.deals is not captured")).getMessage());
    }

    @Test
    void invalidInputIs422NamingEveryField() {
        List<FieldError> errors = List.of(new FieldError("name", "is required"), new FieldError("trigger_type", "is required"));
        ApiProblem p = Problems.of(new InvalidTrigger(errors));
        assertEquals(422, p.status());
        assertEquals("Invalid trigger", p.title());
        assertEquals("2 invalid field(s): name is required (and 1 more)", p.getMessage());
        assertEquals(errors, p.errors());
        assertEquals("Invalid record", Problems.of(new InvalidInput("record", errors.subList(0, 1))).title());
    }

    @Test
    void aVersionThatMovedOnIs412ForIfMatchAnd409ForTheBody() {
        ApiProblem precondition = Problems.of(VersionConflict.ifMatch("trigger", 7, 3, 2));
        assertEquals(412, precondition.status());
        assertEquals("Precondition failed", precondition.title());
        assertEquals("trigger 7 is at version 3, not 2; read it again and retry", precondition.getMessage());
        ApiProblem body = Problems.of(VersionConflict.inBody("trigger", 7, 3, 2));
        assertEquals(409, body.status());
        assertEquals("Conflict", body.title());
    }

    @Test
    void aTakenIdIs409() {
        ApiProblem p = Problems.of(new Conflict("Contact c-1 already exists"));
        assertEquals(409, p.status());
        assertEquals("Contact c-1 already exists", p.getMessage());
    }
}
