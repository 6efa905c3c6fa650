-- Each node also keeps who owns each participant it has read (its person
-- and the browser it signed up from), which the self-referral check reads
-- on every visit and credit. Only erasure changes them (it renames the
-- erased browsers): such an update moves the generation on, as a deleted
-- participant does (0019).
CREATE TRIGGER participants_owner_cache AFTER UPDATE OF person_id, visitor_id ON participants
    FOR EACH STATEMENT EXECUTE FUNCTION parrain_cache_changed();
