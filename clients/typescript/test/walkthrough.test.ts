// The walk-through of README.md with the generated client, against the real
// server at PARRAIN_URL with the secret key PARRAIN_SK (clients/test starts one).
import assert from "node:assert/strict";
import { test } from "node:test";

import { parrain } from "../src/index.js";

const base = process.env.PARRAIN_URL ?? "";
const sk = process.env.PARRAIN_SK ?? "";

test("an offer from creation to a fulfilled referrer", async () => {
  assert.ok(base && sk, "set PARRAIN_URL and PARRAIN_SK");
  const api = parrain(base, sk);

  // 1. An offer: two referred sign-ups earn a promo code, sent by email.
  const created = await api.POST("/v1/offers", {
    body: {
      name: "Spring referral",
      goal: { type: "referred_signups", count: 2 },
      offer_page_url: "https://shop.example.com/refer",
      emails: {
        fulfillment: {
          subject: "Your reward",
          text: "Thanks {{ first_name }}! Your code: {{ promo_code }}",
        },
      },
    },
  });
  assert.equal(created.response.status, 201, JSON.stringify(created.error));
  const offer = created.data!;
  assert.equal(offer.status, "draft");
  const path = { id: offer.id };

  // 2. Promo codes, one per line; then make the offer live.
  const codes = await api.PUT("/v1/offers/{id}/promo-codes", {
    params: { path },
    body: "SPRING-001\nSPRING-002\n",
    bodySerializer: (text: string) => text,
    headers: { "Content-Type": "text/plain" },
  });
  assert.equal(codes.data?.available, 2, JSON.stringify(codes.error));
  const approved = await api.POST("/v1/offers/{id}/approve", { params: { path } });
  assert.equal(approved.data?.status, "approved", JSON.stringify(approved.error));
  assert.equal(approved.data?.is_live, true);

  // 3. Ana signs up and gets her share link.
  const ana = await api.POST("/v1/offers/{id}/participants", {
    params: { path },
    body: { email: "ana@example.com", first_name: "Ana" },
  });
  assert.equal(ana.response.status, 201, JSON.stringify(ana.error));
  const signed = ana.data!;
  // A secret key sees the whole participant, and a new one comes with its token.
  assert.ok("email" in signed && "participant_token" in signed, JSON.stringify(signed));
  assert.ok(signed.participant_token);
  const { code, share_url, id: anaId } = signed;
  assert.equal(share_url, `${base}/r/${code}`);

  // 4. A friend follows the link (a 302 to the offer page with parrain_vid) …
  const click = await fetch(share_url, { redirect: "manual" });
  assert.equal(click.status, 302);
  const visitor = new URL(click.headers.get("location")!).searchParams.get("parrain_vid");
  assert.ok(visitor, "the redirect names the visitor");
  // … and signs up from that browser. A second friend signs up with Ana's code.
  const bob = await api.POST("/v1/offers/{id}/participants", {
    params: { path },
    body: { email: "bob@example.com", visitor_id: visitor },
  });
  assert.equal(bob.response.status, 201, JSON.stringify(bob.error));
  const cid = await api.POST("/v1/offers/{id}/participants", {
    params: { path },
    body: { email: "cid@example.com", referral_code: code },
  });
  assert.equal(cid.response.status, 201, JSON.stringify(cid.error));

  // 5. Ana reached the goal: fulfilled, with a promo code.
  const detail = await api.GET("/v1/participants/{id}", { params: { path: { id: anaId } } });
  const anaNow = detail.data!;
  assert.equal(anaNow.credit, 2);
  assert.equal(anaNow.progress.achieved, true);
  assert.equal(anaNow.progress.fulfilled, true);
  assert.equal(anaNow.promo_code, "SPRING-001");
  assert.deepEqual(anaNow.friends.map((f) => f.email).sort(), ["bob@example.com", "cid@example.com"]);

  const log = await api.GET("/v1/activities", { params: { query: { offer_id: offer.id } } });
  const types = log.data!.data.map((a) => a.type);
  for (const expected of ["clicks_shared_link", "achieved_goal_in_referral", "offer_fulfilled"]) {
    assert.ok(types.includes(expected), `${expected} in ${types}`);
  }
});
