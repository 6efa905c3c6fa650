// parrain's webhooks → Marketo lead fields (docs/marketo.md, "Share URL and
// promo code into lead fields"). Node 18 or later, nothing to install:
//
//   PARRAIN_WEBHOOK_SECRET=whsec_… MARKETO_URL=https://123-ABC-456.mktorest.com \
//   MARKETO_CLIENT_ID=… MARKETO_CLIENT_SECRET=… PORT=8787 node marketo-relay.mjs
//
// Checks each delivery's signature (Standard Webhooks), then writes the
// participant's share link, promo code and credit into the lead with that
// email through Marketo's REST API. An answer other than 2xx makes parrain
// deliver again later, so a Marketo outage delays the update, never loses it.
import { createServer } from "node:http";
import { createHmac, timingSafeEqual } from "node:crypto";

const env = process.env;
const key = Buffer.from(env.PARRAIN_WEBHOOK_SECRET.replace(/^whsec_/, ""), "base64");
// The lead fields to write (their REST API names in Marketo's Field Management).
const FIELDS = { share_url: "referralShareUrl", promo_code: "referralPromoCode", credit: "referralCredit" };

function signed(headers, body) {
  const id = headers["webhook-id"];
  const timestamp = headers["webhook-timestamp"];
  if (!id || !timestamp || Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const expected = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest();
  return (headers["webhook-signature"] ?? "").split(" ").some((signature) => {
    const [version, value] = signature.split(",");
    const given = Buffer.from(value ?? "", "base64");
    return version === "v1" && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

async function accessToken() {
  const query = new URLSearchParams({
    grant_type: "client_credentials",
    client_id: env.MARKETO_CLIENT_ID,
    client_secret: env.MARKETO_CLIENT_SECRET,
  });
  const answer = await fetch(`${env.MARKETO_URL}/identity/oauth/token?${query}`);
  if (!answer.ok) throw new Error(`identity answered ${answer.status}`);
  return (await answer.json()).access_token;
}

async function updateLead(participant) {
  const lead = { email: participant.email };
  for (const [from, to] of Object.entries(FIELDS)) {
    if (participant[from] != null) lead[to] = participant[from];
  }
  const answer = await fetch(`${env.MARKETO_URL}/rest/v1/leads.json`, {
    method: "POST",
    headers: { Authorization: `Bearer ${await accessToken()}`, "Content-Type": "application/json" },
    body: JSON.stringify({ action: "createOrUpdate", lookupField: "email", input: [lead] }),
  });
  // Marketo answers 200 with success: false when it refuses a call.
  return answer.ok && (await answer.json()).success === true;
}

createServer(async (request, response) => {
  let body = "";
  for await (const chunk of request) body += chunk;
  if (!signed(request.headers, body)) return response.writeHead(401).end();
  const participant = JSON.parse(body).data.participant;
  // An erased person's email reads "[erased]": nothing to write then.
  if (!participant?.email?.includes("@")) return response.writeHead(204).end();
  try {
    response.writeHead((await updateLead(participant)) ? 200 : 502).end();
  } catch (error) {
    response.writeHead(502).end(String(error));
  }
}).listen(Number(env.PORT ?? 8787), env.HOST ?? "127.0.0.1");
