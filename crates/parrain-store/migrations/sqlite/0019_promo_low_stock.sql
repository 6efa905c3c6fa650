-- A promo-code pool's low-stock warning (SPEC §15). `low_stock` is the
-- count below which `promo_codes.low` is recorded; `warned_at` is when the
-- current fall below it was recorded, and NULL once the pool is back at or
-- above it (a refill), so each crossing is recorded once. A pool without
-- a threshold has no row.
CREATE TABLE promo_pools (
    offer_id   TEXT NOT NULL,
    pool       TEXT NOT NULL,
    low_stock  INTEGER NOT NULL,
    warned_at  INTEGER,
    PRIMARY KEY (offer_id, pool)
);
