-- Each node keeps the API keys it has checked under the same generation as
-- its offers (0019): revoking or deleting a key moves the generation on,
-- so the next request on every node reads the key again and is refused.
-- Noting a key's last use changes nothing kept.
CREATE TRIGGER api_keys_cache AFTER UPDATE ON api_keys FOR EACH ROW
    WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at OR OLD.hash IS DISTINCT FROM NEW.hash
          OR OLD.kind IS DISTINCT FROM NEW.kind)
    EXECUTE FUNCTION parrain_cache_changed();
CREATE TRIGGER api_keys_cache_rows AFTER DELETE ON api_keys
    FOR EACH STATEMENT EXECUTE FUNCTION parrain_cache_changed();
