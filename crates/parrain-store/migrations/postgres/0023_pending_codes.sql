-- Share first, then sign up (`sign_up_flow: share_then_capture`): a share
-- code handed to a browser before its owner gives an email. Friends who
-- click it are attributed to `id` (a `pen_` id in `attributions`); the
-- owner's sign-up on the offer from the same browser takes the code over
-- as its participant's and deletes the row. Codes never signed up are
-- swept by retention with the friends' attributions to them. A code here
-- is never a participant's code (both are checked when one is made).
CREATE TABLE pending_codes (
    id          TEXT PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    offer_id    TEXT NOT NULL,
    visitor_id  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    UNIQUE (offer_id, visitor_id)
);
CREATE INDEX pending_codes_created ON pending_codes (created_at);
