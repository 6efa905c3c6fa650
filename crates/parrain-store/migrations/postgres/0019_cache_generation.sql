-- What each node keeps in memory (offers, share codes, the smart-list
-- offers, the enabled webhook endpoints) is valid for one generation of
-- this row. Every change to what it keeps moves the generation on, in the
-- changing transaction itself, and notifies the nodes (channel
-- parrain_cache, payload the new generation) when it commits. A node
-- checks the generation inside each request that used what it keeps, so
-- correctness does not depend on when the notification arrives.
CREATE TABLE cache_generation (
    one         BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one),
    generation  BIGINT NOT NULL
);
INSERT INTO cache_generation (one, generation) VALUES (TRUE, 1);

CREATE FUNCTION parrain_cache_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    next BIGINT;
BEGIN
    UPDATE cache_generation SET generation = generation + 1 RETURNING generation INTO next;
    PERFORM pg_notify('parrain_cache', next::text);
    RETURN NULL;
END
$$;

-- Any change to an offer but its participant count (which the folder
-- updates twice a second and no node keeps).
CREATE TRIGGER offers_cache AFTER UPDATE ON offers FOR EACH ROW
    WHEN ((to_jsonb(OLD) - 'participants') IS DISTINCT FROM (to_jsonb(NEW) - 'participants'))
    EXECUTE FUNCTION parrain_cache_changed();
CREATE TRIGGER offers_cache_rows AFTER INSERT OR DELETE ON offers
    FOR EACH STATEMENT EXECUTE FUNCTION parrain_cache_changed();
CREATE TRIGGER webhooks_cache AFTER INSERT OR UPDATE OR DELETE ON webhooks
    FOR EACH STATEMENT EXECUTE FUNCTION parrain_cache_changed();
-- A share code is kept with its participant; codes never change owner.
CREATE TRIGGER participants_cache AFTER DELETE ON participants
    FOR EACH STATEMENT EXECUTE FUNCTION parrain_cache_changed();
