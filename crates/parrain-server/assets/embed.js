/*! parrain embed.js — the referral-offer widget and browser tracker.
 *
 * Include once per page, with a publishable key:
 *   <script src="https://PARRAIN_HOST/embed.js" data-key="pk_…" async></script>
 * and put the widget where it should appear:
 *   <div data-parrain-offer="off_…"></div>
 *
 * Calls made before the script has loaded are queued by this stub and
 * replayed, in order, once it has (paste it before the script tag):
 *   <script>
 *   window.parrain = window.parrain || { q: [] };
 *   ["conversion", "track", "identify"].forEach(function (m) {
 *     parrain[m] = parrain[m] || function () {
 *       parrain.q.push([m].concat([].slice.call(arguments)));
 *     };
 *   });
 *   </script>
 *
 * window.parrain, once loaded (every method returns a Promise, never rejects):
 *   conversion()     fires the goal event of every offer on the page whose goal
 *                    is a custom event;
 *   track(name)      fires the event `name` for every offer on the page (or the
 *                    offer ids in the script's data-offer="off_… off_…");
 *   identify(email, token)
 *                    ties this browser's visitor id to a person; `token` is
 *                    the email's identity token, computed by the site's
 *                    server (docs/identity.md): without it parrain refuses.
 * The widget's words, colours, font and buttons come from the offer's `widget`
 * settings (in the public view); the host page may still set the primary
 * colour with the CSS custom property --parrain-primary.
 *
 * Why it is built this way: the widget lives in a shadow root so the host
 * page's selectors cannot reach it, and its root box resets every inherited
 * property (all:initial) so nothing leaks in through inheritance either; tracking calls share one retrying send() whose
 * leftovers go out by sendBeacon when the page is hidden (the server takes
 * the key as ?key= and a text/plain JSON body on /v1/track/* for that).
 */
(() => {
  "use strict";
  const W = window;
  const D = document;
  if (W.parrain && W.parrain.loaded) return; // included twice: the first copy wins

  // ---- where we come from, and with which key ------------------------------
  const cur = D.currentScript;
  const script = cur && cur.hasAttribute("data-key") ? cur : D.querySelector("script[data-key]") || cur;
  const PK = (script && script.getAttribute("data-key")) || "";
  let BASE = location.origin;
  try {
    // The directory of embed.js: its origin, plus any path prefix it is served under.
    BASE = new URL(".", (cur && cur.src) || script.src).href.replace(/\/+$/, "");
  } catch (e) { /* inline or odd src: same origin */ }
  // The admin editor's preview: the offer comes from the page, nothing is sent.
  const pv = D.getElementById("parrain-preview");
  const PREVIEW = pv && JSON.parse(pv.textContent);
  if (!PK && !PREVIEW) console.warn("parrain: the script tag has no data-key (publishable key)");

  const enc = encodeURIComponent;
  const store = {
    get(k) { try { return localStorage.getItem(k); } catch (e) { return null; } },
    set(k, v) { try { localStorage.setItem(k, v); } catch (e) { /* private mode, quota */ } },
    del(k) { try { localStorage.removeItem(k); } catch (e) { /* idem */ } },
  };

  // ---- visitor id and referral code ----------------------------------------
  const query = new URLSearchParams(location.search);
  const VID_RE = /^vis_[0-9a-hjkmnp-tv-z]{20}$/;
  const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
  let cookieVid = null;
  try { cookieVid = (D.cookie.match(/(?:^|;\s*)parrain_vid=([^;]*)/) || [])[1]; } catch (e) { /* sandboxed */ }
  const VID = [query.get("parrain_vid"), store.get("parrain_vid"), cookieVid]
    .find((v) => v && VID_RE.test(v)) || newVisitorId();
  store.set("parrain_vid", VID);
  try {
    D.cookie = "parrain_vid=" + VID + "; max-age=31536000; path=/; SameSite=Lax" +
      (location.protocol === "https:" ? "; Secure" : "");
  } catch (e) { /* sandboxed document: localStorage (if any) and memory only */ }

  function newVisitorId() {
    const bytes = new Uint8Array(20);
    (W.crypto || W.msCrypto).getRandomValues(bytes);
    return "vis_" + Array.from(bytes, (b) => ALPHABET[b & 31]).join(""); // 256 % 32 == 0: unbiased
  }

  // Loose on purpose: the server is the judge of a code's validity (codes
  // imported from another program keep their own shape: letters, digits, - and _).
  const CODE_RE = /^[a-z0-9_-]{3,64}$/;
  let REF = (query.get("parrain_ref") || "").trim().toLowerCase();
  if (CODE_RE.test(REF)) store.set("parrain_ref", REF);
  else REF = store.get("parrain_ref") || "";
  if (!CODE_RE.test(REF)) REF = "";

  // ---- tracking calls: retried, and flushed by beacon when the page hides ----
  const pending = new Set();
  let keepaliveBroken = false;

  function send(path, body) {
    if (PREVIEW) return Promise.resolve(null);
    return new Promise((resolve) => {
      const job = { path, json: JSON.stringify(body), tries: 0, resolve };
      pending.add(job);
      attempt(job, false);
    });
  }

  function settle(job, result) {
    if (pending.delete(job)) job.resolve(result);
  }

  function attempt(job, plain) {
    const ka = !plain && !keepaliveBroken;
    job.timer = 0;
    job.flight = true;
    job.ka = ka;
    fetch(BASE + job.path, {
      method: "POST",
      keepalive: ka,
      headers: { "Content-Type": "application/json", Authorization: "Bearer " + PK },
      body: job.json,
    }).then((r) => {
      job.flight = false;
      if (plain) keepaliveBroken = true; // a plain fetch got through where keepalive failed
      if (r.status >= 500 || r.status === 429) return retry(job, r.status);
      return r.json().catch(() => null)
        .then((data) => settle(job, { ok: r.ok, status: r.status, data }));
    }, () => {
      job.flight = false;
      // Some browsers refuse keepalive on requests that need a CORS preflight:
      // try at once without it before counting this as a network failure.
      if (ka) return attempt(job, true);
      retry(job, 0);
    });
  }

  function retry(job, status) {
    if (!pending.has(job)) return;
    if (job.tries >= 3) return settle(job, { ok: false, status, data: null });
    if (D.visibilityState === "hidden" && beacon(job)) return; // timers may never fire now
    job.timer = setTimeout(() => attempt(job, false), 1000 << job.tries++);
  }

  function beacon(job) {
    let ok = false;
    try {
      ok = navigator.sendBeacon(BASE + job.path + "?key=" + enc(PK),
        new Blob([job.json], { type: "text/plain" }));
    } catch (e) { /* no sendBeacon */ }
    if (ok) {
      clearTimeout(job.timer);
      settle(job, { ok: true, status: 0, data: null, beacon: true });
    }
    return ok;
  }

  // Jobs waiting for a retry go now. In-flight keepalive fetches outlive the
  // page; plain ones do not, so on pagehide they are sent again by beacon.
  function flush(unloading) {
    pending.forEach((job) => {
      if (job.timer || (unloading && job.flight && !job.ka)) beacon(job);
    });
  }
  D.addEventListener("visibilitychange", () => { if (D.visibilityState === "hidden") flush(false); });
  W.addEventListener("pagehide", () => flush(true));

  // ---- reads and sign-ups (not queued: a person is waiting for the answer) ----
  async function call(method, path, body) {
    if (PREVIEW) return { ok: false, status: 0, data: { error: { message: "Preview: nothing is sent." } } };
    const headers = { Authorization: "Bearer " + PK };
    if (body) headers["Content-Type"] = "application/json";
    try {
      const r = await fetch(BASE + path, { method, headers, body: body ? JSON.stringify(body) : undefined });
      return { ok: r.ok, status: r.status, data: await r.json().catch(() => null) };
    } catch (e) {
      return { ok: false, status: 0, data: null };
    }
  }

  // Strings come with the offer; these few are needed before it has loaded.
  const FR = /^fr/i.test(D.documentElement.lang);
  const EARLY = FR
    ? { loading: "Chargement…", load_failed: "Impossible de charger cette offre.", retry: "Réessayer", not_live: "Cette offre n'est pas disponible pour le moment." }
    : { loading: "Loading…", load_failed: "This offer could not be loaded.", retry: "Try again", not_live: "This offer is not available right now." };

  // The widget's string `key`, with each {name} filled in from vars.
  function t(w, key, vars) {
    const s = w.offer && w.offer.widget && w.offer.widget.strings;
    return fill((s && s[key]) || EARLY[key] || key, vars || {});
  }
  const fill = (text, vars) => String(text).replace(/\{(\w+)\}/g, (m, k) => (k in vars ? vars[k] : m));

  function errorMessage(res, w) {
    const e = res.data && res.data.error;
    if (e && e.message) return e.message;
    return res.status ? t(w, "error_status", { status: res.status }) : t(w, "error_network");
  }

  const views = {};
  function publicView(id) {
    if (PREVIEW) return Promise.resolve({ ok: true, status: 200, data: PREVIEW });
    if (!views[id]) {
      const p = views[id] = call("GET", "/v1/offers/" + enc(id) + "/public").then((res) => {
        if (!res.ok && views[id] === p) delete views[id]; // let a later call try again
        return res;
      });
    }
    return views[id];
  }

  const participantKey = (id) => "parrain_participant_" + id;
  function storedParticipant(id) {
    try {
      const p = JSON.parse(store.get(participantKey(id)));
      return p && p.code && p.share_url && p.token ? p : null;
    } catch (e) {
      return null;
    }
  }

  async function signUp(id, body) {
    const path = "/v1/offers/" + enc(id) + "/participants";
    let res = await call("POST", path, body);
    // A stale or foreign referral code must never cost a person their sign-up.
    if (!res.ok && body.referral_code && [400, 404, 422].includes(res.status) &&
        /referral|code/i.test(JSON.stringify(res.data))) {
      delete body.referral_code;
      res = await call("POST", path, body);
    }
    // A new participant comes with its token: what this browser shows its
    // progress with (never the email, which anyone could type).
    if (res.ok && res.data && res.data.code && res.data.participant_token) {
      const profile = {};
      ["first_name", "last_name", "fields"].forEach((k) => { if (body[k]) profile[k] = body[k]; });
      const p = Object.assign({ shares: 0 }, res.data, { token: res.data.participant_token, profile });
      delete p.participant_token;
      res.participant = remember(id, p);
    }
    return res;
  }

  // A person who gave their details is never asked again in this browser.
  function remember(id, participant) {
    store.set(participantKey(id), JSON.stringify(participant));
    return participant;
  }

  // Share first, then sign up: the browser's share code before the person
  // gives an email, so the links shared meanwhile carry a code (friends who
  // open them are credited once this browser signs up, which makes the code
  // the participant's). Without it the page's own address is shared.
  async function pendingCode(w) {
    w.pending = null;
    if (PREVIEW || w.offer.sign_up_flow !== "share_then_capture") return;
    const res = await call("POST", "/v1/offers/" + enc(w.id) + "/participants/pending", { visitor_id: VID });
    if (res.ok && res.data && res.data.code && res.data.share_url) w.pending = res.data;
  }

  // Asks for a sign-in link by email: the answer is the same for any email.
  function lookup(id, email) {
    return call("POST", "/v1/offers/" + enc(id) + "/participants/lookup", { email });
  }

  // The stored participant's current progress, by its token.
  async function mine(id, p) {
    const res = await call("POST", "/v1/offers/" + enc(id) + "/participants/me", { participant_token: p.token });
    if (res.ok && res.data && res.data.code) {
      res.participant = remember(id, Object.assign({}, res.data, { token: p.token, profile: p.profile || {} }));
    }
    return res;
  }

  // A link shared by another program lands with its code in the offer's
  // legacy parameter (`ref=` unless the offer names another): taken like
  // parrain_ref when the address has none. The visit itself is attributed
  // by the server from the address.
  const legacyParams = new Set();
  function adoptLegacyRef(param) {
    if (!param) return;
    legacyParams.add(param);
    if (query.get("parrain_ref")) return;
    const code = (query.get(param) || "").trim().toLowerCase();
    if (CODE_RE.test(code)) {
      REF = code;
      store.set("parrain_ref", code);
    }
  }

  const visited = new Set();
  function trackVisit(id) {
    if (visited.has(id)) return;
    visited.add(id);
    // The server takes strings of at most 2,048 characters.
    send("/v1/track/visit", { offer_id: id, visitor_id: VID, url: location.href.slice(0, 2048), referral_code: REF || undefined });
  }

  // ---- DOM helpers -----------------------------------------------------------
  function h(tag, attrs, ...kids) {
    const el = D.createElement(tag);
    for (const k in attrs) {
      const v = attrs[k];
      if (v == null || v === false) continue;
      if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k === "part" ? "data-part" : k, v === true ? "" : v);
    }
    (function add(list) {
      list.forEach((c) => {
        if (Array.isArray(c)) add(c);
        else if (c != null && c !== false && c !== "") el.append(c.nodeType ? c : String(c));
      });
    })(kids);
    return el;
  }

  const human = (name) => {
    const s = name.replace(/[_-]+/g, " ").trim();
    return s.charAt(0).toUpperCase() + s.slice(1);
  };
  const isHttp = (u) => typeof u === "string" && /^https?:\/\//i.test(u);
  const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
  const AUTOCOMPLETE = { first_name: "given-name", last_name: "family-name", company: "organization", phone: "tel" };
  // Share-button icons (24×24, currentColor).
  const ICONS = {
    email: '<path d="M3 5h18v14H3zM3 6l9 7 9-7" fill="none" stroke="currentColor" stroke-width="2"/>',
    x: '<path d="M4 4l16 16M20 4L4 20" stroke="currentColor" stroke-width="2.5"/>',
    linkedin: '<path d="M4 9h4v11H4zM6 3a2 2 0 110 4 2 2 0 010-4zM10 9h4v2c1-2 6-3 6 2v7h-4v-6c0-2-2-2-2 0v6h-4z"/>',
    facebook: '<path d="M14 8h3V4h-3a4 4 0 00-4 4v2H8v4h2v8h4v-8h3l1-4h-4z"/>',
  };
  const GOAL_KEY = { referred_visits: "goal_visits", referred_signups: "goal_signups" };

  // The page's own address, without the attribution parameters that belong to
  // this visitor (sharing them would hand friends this visitor's id).
  function pageUrl() {
    try {
      const u = new URL(location.href);
      u.searchParams.delete("parrain_ref");
      u.searchParams.delete("parrain_vid");
      legacyParams.forEach((p) => u.searchParams.delete(p));
      return u.href;
    } catch (e) {
      return location.href;
    }
  }

  const CSS = `
:host{all:initial;display:block;background:none!important;border:0!important;padding:0!important;box-shadow:none!important}
:host([hidden]){display:none}
*{box-sizing:border-box}
[hidden]{display:none!important}
.w{all:initial;display:block;box-sizing:border-box;--p:var(--parrain-primary,#4f46e5);--t:#1f2937;--bg:#fff;--bt:#fff;--bd:#e5e7eb;--f:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;font:15px/1.5 var(--f);color:var(--t);background:var(--bg);border:1px solid var(--bd);border-radius:12px;padding:20px;max-width:560px;text-align:left;letter-spacing:normal;word-break:normal;overflow-wrap:anywhere;position:relative}
h2{font-size:20px;line-height:1.3;font-weight:700;margin:0 0 6px;color:var(--t)}
h2:focus{outline:none}
p{margin:0 0 12px;font-size:15px;color:inherit}
.m{color:#4b5563;font-size:14px}
.step{font-weight:600;margin:18px 0 8px;color:var(--t)}
.ok{font-weight:600;color:#065f46}
.row{margin:0 0 14px}
label,.lbl{display:block;font-size:14px;font-weight:600;margin:0 0 4px;color:var(--t);cursor:default}
.req{color:#b91c1c}
.in{display:block;width:100%;font:inherit;font-size:15px;color:#111827;background:#fff;border:1px solid #9ca3af;border-radius:8px;padding:8px 12px;margin:0;min-height:40px;box-shadow:none}
.in:focus{border-color:var(--p);outline:2px solid var(--p);outline-offset:0}
.in[aria-invalid=true]{border-color:#b91c1c}
.ck{display:flex;gap:8px;align-items:flex-start}
.ck label{font-weight:400;margin:0;cursor:pointer}
.ck input{width:18px;height:18px;margin:2px 0 0;flex:none;accent-color:var(--p);cursor:pointer}
.msg{color:#b91c1c;font-size:13px;margin:4px 0 0}
.err{color:#991b1b;background:#fef2f2;border:1px solid #fecaca;border-radius:8px;padding:8px 12px;font-size:14px}
.msg:empty,.err:empty{display:none}
.btn{display:inline-flex;align-items:center;justify-content:center;font:inherit;font-size:15px;font-weight:600;line-height:1.2;color:var(--bt);background:var(--p);border:1px solid var(--p);border-radius:8px;padding:10px 16px;min-height:40px;margin:0;cursor:pointer;text-decoration:none;text-transform:none}
.btn:hover{filter:brightness(.92)}
.btn:disabled{opacity:.5;cursor:not-allowed;filter:none}
.net{color:#111827;background:#f3f4f6;border-color:#d1d5db}
.lnk{font:inherit;font-size:14px;color:var(--p);background:none;border:0;border-radius:4px;padding:4px 0;margin:0;cursor:pointer;text-decoration:underline}
:focus-visible{outline:2px solid var(--p);outline-offset:2px}
.cp{display:flex;flex-wrap:wrap;gap:8px;margin:0 0 12px}
.cp .in{flex:1 1 180px;width:auto;background:#f9fafb}
.nets{display:flex;flex-wrap:wrap;gap:8px;margin:0 0 16px}
.nets .btn{flex:1 1 110px;gap:6px}
.nets svg{width:18px;height:18px;fill:currentColor;flex:none}
.nets img{max-height:24px;max-width:100%}
.nets .done{background:#ecfdf5;border-color:#6ee7b7;color:#065f46}
.cnt{font-size:14px;color:#4b5563;margin:0 0 10px}
textarea.in{min-height:64px;resize:vertical}
.inv{border-top:1px solid var(--bd);padding-top:14px;margin:0 0 14px}
.res{list-style:none;margin:8px 0 0;padding:0;font-size:14px}
.res .ok{font-weight:400}
.res .no{color:#991b1b}
.prog{background:#f9fafb;border:1px solid #e5e7eb;border-radius:8px;padding:10px 12px;margin:0 0 14px}
.prog p{margin:0 0 8px}
.bar{height:8px;background:#e5e7eb;border-radius:4px;overflow:hidden}
.bar i{display:block;height:100%;width:0;background:var(--p)}
.st{color:#065f46;font-weight:600}
.tiers{margin:10px 0 0}.prog code{font-weight:700}
.lb{margin:0 0 12px;padding-left:24px}
.acts{display:flex;flex-wrap:wrap;align-items:center;gap:4px 16px;margin:12px 0 0}
.note{font-size:13px;color:#4b5563;margin:8px 0 0}
.social{display:flex;flex-direction:column;gap:8px;margin:0 0 12px}
.btn.alt{color:var(--t);background:var(--bg);border-color:var(--bd)}
.si{margin:0 0 12px}
.legal{font-size:13px;color:#4b5563;margin:14px 0 0}
a{color:var(--p)}
.legal a{color:#4b5563}
.ask{margin:0 0 14px}
.ask .row{margin:8px 0 0}
.picks li{margin:0 0 6px}
.picks .btn{width:100%;justify-content:flex-start;font-weight:400;text-align:left}
.picks .btn[aria-pressed=true]{border-color:var(--p);box-shadow:inset 0 0 0 1px var(--p)}
.sr{position:absolute;width:1px;height:1px;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0;padding:0}
@media (max-width:400px){.w{padding:14px}.nets .btn{flex-basis:calc(50% - 4px)}}`;

  // ---- the widget ------------------------------------------------------------
  const widgets = new WeakMap();

  function mount(el) {
    const id = (el.getAttribute("data-parrain-offer") || "").trim();
    let w = widgets.get(el);
    if (!id || (w && w.id === id)) return;
    if (!w) {
      const root = el.shadowRoot || (el.attachShadow ? el.attachShadow({ mode: "open" }) : el);
      w = { el, root, style: h("style", {}, CSS) };
      widgets.set(el, w);
    }
    el.removeAttribute("data-parrain-ready");
    Object.assign(w, { id, offer: null, part: null, pending: null, shared: new Set(), didShare: false, busy: false, r: {} });
    trackVisit(id);
    load(w);
  }

  function ready(w) {
    w.el.setAttribute("data-parrain-ready", "true");
  }

  async function load(w) {
    const id = w.id;
    render(w, "loading");
    const res = await publicView(id);
    if (w.id !== id) return; // re-pointed at another offer meanwhile
    if (!res.ok) {
      if (res.status !== 404) console.warn("parrain: could not load offer " + id + ": " + errorMessage(res, w));
      render(w, res.status === 404 ? "notlive" : "failed");
    } else {
      w.offer = res.data;
      adoptLegacyRef(w.offer.referral_param);
      w.part = PREVIEW ? null : storedParticipant(id);
      if (!w.offer.live) render(w, "notlive");
      else if (!w.part) {
        await pendingCode(w);
        if (w.id !== id) return;
        render(w, "form");
      }
      else {
        w.back = true;
        render(w, "share");
        // Show the stored progress at once, but only call the widget ready
        // when it is fresh (or after a few seconds, whichever comes first).
        await Promise.race([refresh(w), new Promise((r) => setTimeout(r, 4000))]);
      }
    }
    if (w.id === id) ready(w);
  }

  // Reads the stored participant's current progress; never signs anyone up.
  async function refresh(w) {
    const p = w.part;
    if (!p) return;
    const res = await mine(w.id, p);
    if (w.part !== p) return;
    if (res.status === 404 && /participant/.test(JSON.stringify(res.data))) {
      store.del(participantKey(w.id)); // erased, or from another server: ask again
      w.part = null;
      return render(w, "form");
    }
    if (!res.participant) return;
    w.part = res.participant;
    if (w.view === "share") {
      w.r.link.value = w.part.share_url;
      const block = progress(w);
      w.r.prog.replaceWith(block);
      w.r.prog = block;
      if (w.r.count) w.r.count.textContent = t(w, "share_count", { count: w.part.shares || 0 });
    }
  }

  function render(w, view, focus) {
    const o = w.offer;
    w.view = view;
    w.r = {};
    w.r.status = h("p", { class: "sr", role: "status" });
    const body = {
      loading: () => h("p", { class: "m" }, t(w, "loading")),
      failed: () => [
        h("p", { class: "err", role: "alert", part: "error" }, t(w, "load_failed")),
        h("button", { type: "button", class: "btn net", part: "retry", onclick: () => load(w) }, t(w, "retry")),
      ],
      notlive: () => [o && heading(o), h("p", { part: "not-live" }, t(w, "not_live"))],
      form: () => formView(w),
      share: () => shareView(w),
      done: () => [
        heading(o),
        h("p", { class: "ok" }, t(w, "thanks")),
        h("p", {}, t(w, "come_back")),
        h("div", { class: "acts" },
          h("button", { type: "button", class: "btn", part: "share-again", onclick: () => { render(w, "share", true); refresh(w); } }, t(w, "share_my_link")),
          trackButton(w)),
        legal(w),
      ],
      track: () => trackView(w),
      board: () => boardView(w),
      sent: () => [
        heading(o),
        h("p", { part: "link-sent", role: "status" }, t(w, "link_sent", { offer_name: o.name })),
        h("div", { class: "acts" },
          backButton(w)),
      ],
    }[view]();
    const root = h("div", { class: "w", "aria-busy": view === "loading" ? "true" : null }, body, w.r.status);
    const look = o && o.widget;
    if (look) {
      const c = look.colours || {};
      [["--p", c.primary], ["--t", c.text], ["--bg", c.background], ["--bt", c.button_text], ["--bd", c.border], ["--f", look.font_family]]
        .forEach(([k, v]) => { if (v) root.style.setProperty(k, v); });
      root.lang = look.language;
    }
    w.root.textContent = "";
    w.root.append(w.style, root);
    if (focus) {
      const target = root.querySelector("h2");
      if (target) {
        target.setAttribute("tabindex", "-1");
        target.focus();
      }
    }
  }

  function heading(o) {
    return [h("h2", {}, o.name), o.description && h("p", { class: "m" }, o.description)];
  }

  function goalLine(w) {
    const g = w.offer.goal || {};
    return h("p", { class: "m" }, t(w, GOAL_KEY[g.type] || "goal_other", { count: g.count || 1 }));
  }

  function legal(w) {
    const o = w.offer;
    const links = [];
    if (isHttp(o.rules_url)) {
      links.push(h("a", { href: o.rules_url, target: "_blank", rel: "noopener", part: "rules" }, t(w, "rules")));
    }
    const pp = o.privacy_policy;
    if (pp && isHttp(pp.url)) {
      links.push(h("a", { href: pp.url, target: "_blank", rel: "noopener", part: "privacy" }, pp.title || t(w, "privacy")));
    }
    return links.length ? h("p", { class: "legal" }, links.map((a, i) => (i ? [" · ", a] : a))) : null;
  }

  function trackButton(w) {
    return h("button", { type: "button", class: "lnk", part: "track-progress", onclick: () => render(w, "track", true) },
      t(w, "track"));
  }

  // One labelled input with its own error message; returns [row, check].
  function field(w, f, i) {
    const id = "f" + i;
    const label = f.label || (["email", "first_name", "last_name"].includes(f.name) ? t(w, f.name) : human(f.name));
    const type = f.name === "email" ? "email" : /phone|mobile/.test(f.name) ? "tel" : "text";
    const msg = h("p", { class: "msg", id: id + "e", role: "alert", part: "error-" + f.name });
    const input = h("input", {
      class: "in", id, name: f.name, type, value: f.value,
      autocomplete: f.name === "email" ? "email" : AUTOCOMPLETE[f.name] || null,
      "aria-required": f.required ? "true" : null, "aria-describedby": id + "e",
      part: f.name === "email" ? "email" : "field-" + f.name,
      oninput: () => { if (msg.textContent) check(); },
    });
    function check() {
      const v = input.value.trim();
      let m = "";
      if (f.required && !v) m = t(w, "required", { label });
      else if (type === "email" && v && !EMAIL_RE.test(v)) m = t(w, "invalid_email");
      msg.textContent = m;
      input.setAttribute("aria-invalid", m ? "true" : "false");
      return m ? input : null;
    }
    const row = h("div", { class: "row" },
      h("label", { for: id }, label, f.required && h("span", { class: "req", "aria-hidden": "true" }, " *")),
      input, msg);
    return { row, check, input, name: f.name };
  }

  function validate(fields) {
    const bad = fields.map((f) => f.check()).filter(Boolean);
    if (bad.length) bad[0].focus();
    return !bad.length;
  }

  function busy(w, button, label) {
    w.busy = !!label;
    button.disabled = !!label || (w.view === "form" && w.gated && !w.shared.size);
    if (label) {
      button.dataset.label = button.textContent;
      button.textContent = label;
    } else if (button.dataset.label) {
      button.textContent = button.dataset.label;
    }
  }

  // "Continue with …" (SPEC §14): the provider's sign-in runs in a popup on
  // parrain's origin, which posts back a ticket for the verified identity;
  // the form is then filled with it and the person still reviews the
  // consent and person fields and signs up. Only a message from parrain's
  // origin, sent by the popup this widget opened, is taken.
  function socialButtons(w, error) {
    const providers = w.offer.social_sign_up || [];
    if (!providers.length || w.social) return null;
    return h("div", { class: "social", part: "social" },
      providers.map((p) => h("button", {
        type: "button", class: "btn alt", part: "social-" + p.id, "data-provider": p.id,
        onclick: () => continueWith(w, p, error),
      }, t(w, "continue_with", { provider: p.name }))),
      h("p", { class: "m" }, t(w, "or_email")));
  }

  function continueWith(w, p, error) {
    error.textContent = "";
    const qs = new URLSearchParams({ offer_id: w.id, origin: location.origin, visitor_id: VID });
    if (REF) qs.set("referral_code", REF);
    const url = BASE + "/social/" + enc(p.id) + "/start?" + qs;
    const popup = W.open(url, "parrain_social", "popup,width=520,height=680");
    if (!popup) {
      error.textContent = t(w, "popup_blocked", { provider: p.name });
      return;
    }
    let parrainOrigin = location.origin;
    try { parrainOrigin = new URL(BASE).origin; } catch (e) { /* same origin */ }
    function onMessage(e) {
      const d = e.data;
      if (e.origin !== parrainOrigin || e.source !== popup || !d || d.type !== "parrain:social") return;
      W.removeEventListener("message", onMessage);
      if (d.error) {
        error.textContent = d.error.message;
        return;
      }
      if (d.offer_id !== w.id) return;
      w.social = d;
      render(w, "form", true);
    }
    W.addEventListener("message", onMessage);
  }

  function formView(w) {
    const o = w.offer;
    const gated = w.gated = o.sign_up_flow === "share_then_capture";
    const fields = [{ name: "email", required: true }]
      .concat((o.person_fields || []).map((f) => (typeof f === "string" ? { name: f } : f)))
      .filter((f, i) => f && f.name && (i === 0 || f.name !== "email"))
      .map((f, i) => field(w, Object.assign({ value: w.social && w.social[f.name] || undefined }, f), i));
    // The provider verified this email: it is the one signed up.
    if (w.social) fields[0].input.readOnly = true;
    const consent = h("input", { type: "checkbox", id: "consent", part: "consent", checked: o.marketing_consent === "opt_out" });
    const error = h("p", { class: "err", role: "alert", part: "error" });
    const submit = h("button", { type: "submit", class: "btn", part: "submit", disabled: gated && !w.shared.size, "aria-describedby": gated ? "note" : null }, t(w, "sign_up"));
    const note = gated && h("p", { class: "note", id: "note", part: "share-first-note", hidden: !!w.shared.size }, t(w, "share_first"));
    // Asked only of a visitor no share link brought.
    const ask = o.name_search && !REF && askReferrer(w);
    Object.assign(w.r, { submit, note });

    async function onSubmit(e) {
      e.preventDefault();
      if (w.busy || submit.disabled) return;
      error.textContent = "";
      if (!validate(fields)) return;
      const body = { email: fields[0].input.value.trim(), marketing_consent: consent.checked, visitor_id: VID };
      fields.slice(1).forEach((f) => {
        const v = f.input.value.trim();
        if (!v) return;
        if (f.name === "first_name" || f.name === "last_name") body[f.name] = v;
        else (body.fields = body.fields || {})[f.name] = v;
      });
      if (REF) body.referral_code = REF;
      if (w.social) body.social_ticket = w.social.social_ticket;
      busy(w, submit, t(w, "signing_up"));
      if (ask && ask.pick) {
        // Retried through a 429 (the limit frees a claim within seconds).
        const c = await send("/v1/offers/" + enc(w.id) + "/referrers/claim", { visitor_id: VID, name: ask.pick.name, ref: ask.pick.ref });
        if (c && !c.ok) {
          busy(w, submit, null);
          error.textContent = c.status === 429 ? t(w, "referrer_busy") : errorMessage(c, w);
          return;
        }
      }
      const res = await signUp(w.id, body);
      busy(w, submit, null);
      if (res.ok && res.data && res.data.check_email) return render(w, "sent", true);
      if (!res.participant) {
        error.textContent = errorMessage(res, w);
        return;
      }
      signedUp(w, res.participant, res.status === 200);
    }

    const form = h("form", { part: "form", novalidate: true, onsubmit: onSubmit },
      w.social && h("p", { class: "note si", part: "social-signed-in" },
        t(w, "social_signed_in", { provider: w.social.provider_name })),
      fields.map((f) => f.row),
      ask && ask.row,
      h("div", { class: "row ck" }, consent, h("label", { for: "consent" }, t(w, "consent"))),
      error, submit, note);

    return [
      heading(o),
      goalLine(w),
      gated && [h("p", { class: "step" }, t(w, "step_share")), shareBlock(w), h("p", { class: "step" }, t(w, "step_sign_up"))],
      socialButtons(w, error),
      form,
      h("div", { class: "acts" }, h("span", { class: "m" }, t(w, "already")), trackButton(w), boardButton(w)),
      legal(w),
    ];
  }

  // "Were you referred by someone?" (SPEC §15, method `name`): the friend
  // types a name, picks one of the matches (a display name and a masked
  // email), and the pick is claimed just before the sign-up, which then
  // credits that referrer. Searches wait for a pause in the typing: each
  // counts against a tight per-client limit.
  function askReferrer(w) {
    const a = {};
    let seq = 0;
    const input = h("input", { class: "in", id: "rn", type: "text", autocomplete: "off", part: "referrer-name", "aria-describedby": "rnh rns", oninput: () => {
      a.pick = null;
      clearTimeout(a.timer);
      a.timer = setTimeout(search, 400);
    } });
    const status = h("p", { class: "m", id: "rns", role: "status", part: "referrer-status" });
    const list = h("ul", { class: "res picks", part: "referrer-matches", "aria-label": t(w, "referrer_pick") });
    const panel = h("div", { class: "row", id: "rp", hidden: true },
      h("label", { for: "rn" }, t(w, "referrer_name")), input,
      h("p", { class: "note", id: "rnh" }, t(w, "referrer_hint")), status, list);
    const toggle = h("button", { type: "button", class: "lnk", part: "referred", "aria-expanded": "false", "aria-controls": "rp", onclick: () => {
      panel.hidden = !panel.hidden;
      toggle.setAttribute("aria-expanded", String(!panel.hidden));
      if (panel.hidden) a.pick = null;
      else input.focus();
      list.querySelectorAll("button").forEach((b) => b.setAttribute("aria-pressed", "false"));
    } }, t(w, "referred_question"));
    async function search() {
      const q = input.value.trim();
      const n = ++seq;
      list.textContent = "";
      status.textContent = q.length < 2 ? "" : t(w, "referrer_searching");
      if (q.length < 2) return;
      const res = await call("GET", "/v1/offers/" + enc(w.id) + "/referrers?name=" + enc(q));
      if (n !== seq) return; // a later search is on its way
      const found = (res.ok && res.data && res.data.data) || [];
      status.textContent = !res.ok ? (res.status === 429 ? t(w, "referrer_busy") : errorMessage(res, w))
        : t(w, found.length ? "referrer_pick" : "referrer_none");
      found.forEach((m) => {
        const b = h("button", { type: "button", class: "btn alt", part: "referrer-match", "aria-pressed": "false", onclick: () => {
          a.pick = { name: q, ref: m.ref };
          list.querySelectorAll("button").forEach((x) => x.setAttribute("aria-pressed", String(x === b)));
          status.textContent = t(w, "referrer_chosen", { name: m.display_name });
        } }, h("b", {}, m.display_name), " · " + m.masked_email);
        list.append(h("li", {}, b));
      });
    }
    a.row = h("div", { class: "ask", part: "referrer" }, toggle, panel);
    return a;
  }

  function signedUp(w, participant, back) {
    w.part = participant;
    w.pending = null; // the code is the participant's now
    w.back = back;
    // Shares made before sign-up (share_then_capture) had no code to carry: record them now.
    w.shared.forEach((channel) => send("/v1/track/share", { code: participant.code, channel }));
    participant.shares = (participant.shares || 0) + w.shared.size;
    w.didShare = w.shared.size > 0;
    w.shared.clear();
    render(w, "share", true);
  }

  function progress(w) {
    if ((w.offer.rewards || []).length) return rewardsBlock(w);
    const p = w.part.progress || {};
    const goal = p.goal_count || (w.offer.goal && w.offer.goal.count) || 1;
    const credit = p.credit || 0;
    const status = p.fulfilled ? t(w, "reward_sent") : p.achieved ? t(w, "goal_met") : "";
    const fill = h("i");
    fill.style.width = Math.min(100, (credit / goal) * 100) + "%";
    return h("div", { class: "prog" },
      h("p", { part: "progress" }, h("strong", {}, t(w, "credits", { credit, goal })), status && h("span", { class: "st", part: "status" }, " — " + status)),
      h("div", { class: "bar", role: "progressbar", "aria-label": t(w, "credits_label"), "aria-valuemin": "0", "aria-valuemax": goal, "aria-valuenow": Math.min(credit, goal) }, fill));
  }

  // Rewards (SPEC §11): progress toward the next referrer milestone, each
  // milestone with its state and codes, and a friend's own reward.
  const nextAt = (r, c) => r.at != null ? (r.at > c ? r.at : 0)
    : r.every > 0 && (!r.max_times || Math.floor(c / r.every) < r.max_times) ? (Math.floor(c / r.every) + 1) * r.every : 0;

  function rewardsBlock(w) {
    const mine = w.part.rewards || [];
    const c = (w.part.progress || {}).credit || 0;
    const tiers = w.offer.rewards.filter((r) => r.for === "referrer");
    const name = (r) => r.label || human(r.id);
    const code = (m) => m.promo_code && [" · ", h("code", { part: "reward-code" }, m.promo_code)];
    const state = (m) => (m ? t(w, "reward_" + m.state, { date: (m.release_at || "").slice(0, 10) }) : t(w, "reward_to_come"));
    let next = null;
    tiers.forEach((r) => {
      const at = nextAt(r, c);
      if (at && (!next || at < next.at)) next = { r, at };
    });
    const fill = h("i");
    fill.style.width = (next ? Math.min(100, (c / next.at) * 100) : 100) + "%";
    return h("div", { class: "prog", part: "rewards" },
      mine.filter((m) => m.as_friend).map((m) => h("p", { class: "ok", part: "friend-reward", "data-state": m.state },
        t(w, "friend_reward") + ": " + (m.label || human(m.reward_id)), m.state !== "given" && " (" + state(m) + ")", code(m))),
      h("p", { part: "progress" }, h("strong", {}, t(w, "credits", { credit: c, goal: next ? next.at : c })),
        " — " + (next ? t(w, "reward_next", { count: next.at - c, label: name(next.r) }) : t(w, "reward_all_reached"))),
      h("div", { class: "bar", role: "progressbar", "aria-label": t(w, "credits_label"), "aria-valuemin": "0", "aria-valuemax": next ? next.at : c, "aria-valuenow": c }, fill),
      h("ul", { class: "res tiers", "aria-label": t(w, "rewards") }, tiers.map((r) => {
        const got = mine.filter((m) => !m.as_friend && m.reward_id === r.id);
        const last = got[got.length - 1];
        return h("li", { part: "reward", "data-reward": r.id, "data-state": last ? last.state : "to_come" },
          h("b", {}, name(r)), " (" + t(w, r.at != null ? "reward_at" : "reward_every", { count: r.at != null ? r.at : r.every }) + "): ",
          state(last), got.length > 1 && " ×" + got.length, got.map(code));
      })));
  }

  // The leaderboard (when the offer enables it): display names and credit only.
  function boardView(w) {
    const list = h("ol", { class: "lb", part: "leaderboard-list" }, h("li", { class: "m" }, t(w, "loading")));
    call("GET", "/v1/offers/" + enc(w.id) + "/leaderboard").then((res) => {
      const d = (res.ok && res.data && res.data.data) || [];
      list.textContent = "";
      if (!res.ok) list.append(h("li", { class: "no" }, errorMessage(res, w)));
      else if (!d.length) list.append(h("li", { class: "m" }, t(w, "leaderboard_empty")));
      d.forEach((l) => list.append(h("li", { part: "leader" }, h("b", {}, l.display_name), " — " + l.credit)));
    });
    return [h("h2", {}, t(w, "leaderboard")), list, h("div", { class: "acts" }, backButton(w))];
  }

  const boardButton = (w) => w.offer.leaderboard && w.offer.leaderboard.enabled &&
    h("button", { type: "button", class: "lnk", part: "leaderboard", onclick: () => render(w, "board", true) }, t(w, "leaderboard"));
  const backButton = (w) => h("button", { type: "button", class: "lnk", part: "back", onclick: () => render(w, w.part ? "share" : "form", true) }, t(w, "back"));

  function shareView(w) {
    const o = w.offer;
    w.r.prog = progress(w);
    w.r.skip = h("button", { type: "button", class: "lnk", part: "skip", onclick: () => render(w, "done", true) }, t(w, w.didShare ? "done" : "skip"));
    const reset = async () => {
      store.del(participantKey(w.id));
      w.part = null;
      await pendingCode(w);
      render(w, "form", true);
    };
    return [
      heading(o),
      h("p", { class: "ok", part: "welcome" }, t(w, w.back ? "share_more" : "welcome")),
      w.r.prog,
      goalLine(w),
      shareBlock(w),
      inviteForm(w),
      h("div", { class: "acts" }, w.r.skip, trackButton(w), boardButton(w),
        h("button", { type: "button", class: "lnk", part: "reset", onclick: reset }, t(w, "not_you"))),
      legal(w),
    ];
  }

  // The link box and the network buttons: the personal link once signed up;
  // before (share_then_capture), the browser's pending code's link, or the
  // page's own address if there is none.
  function shareBlock(w) {
    const look = w.offer.widget || {};
    const style = look.button_style || "icons_and_text";
    const mine = w.part || w.pending;
    const link = h("input", { class: "in", id: "link", readonly: true, value: mine ? mine.share_url : pageUrl(), part: "share-link", onfocus: () => link.select() });
    const copy = h("button", { type: "button", class: "btn", part: "copy", onclick: () => copyLink(w, link, copy) }, t(w, "copy"));
    const count = w.part && look.share_count && look.share_count !== "hidden" &&
      h("p", { class: "cnt", part: "share-count" }, t(w, "share_count", { count: w.part.shares || 0 }));
    w.r.link = link;
    w.r.count = count;
    const button = (n) => {
      const label = t(w, "share_" + n);
      const img = style === "images" && look.button_images && look.button_images[n];
      const b = h("button", { type: "button", class: "btn net", part: "share-" + n, "aria-label": label, title: label, onclick: () => { share(w, n); b.classList.add("done"); if (text) text.textContent = t(w, "shared"); } });
      const text = !img && style !== "icons" && h("span", {}, label);
      if (img) b.append(h("img", { src: img, alt: "" }));
      else if (style !== "text") b.insertAdjacentHTML("beforeend", '<svg viewBox="0 0 24 24" aria-hidden="true">' + ICONS[n] + "</svg>");
      if (text) b.append(text);
      return b;
    };
    return [
      h("label", { class: "lbl", for: "link" }, t(w, mine ? "your_link" : "offer_link")),
      h("div", { class: "cp" }, link, copy),
      look.share_count === "above" && count,
      h("div", { class: "nets", role: "group", "aria-label": t(w, "share") },
        (w.offer.networks || []).filter((n) => ICONS[n]).map(button)),
      look.share_count !== "above" && count,
    ];
  }

  function metaDescription() {
    const m = D.querySelector('meta[name="description"]');
    return (m && m.getAttribute("content")) || "";
  }

  function share(w, network) {
    const o = w.offer;
    let link = pageUrl();
    const mine = w.part || w.pending;
    if (mine) link = mine.share_url + (mine.share_url.includes("?") ? "&" : "?") + "ch=" + network;
    const vars = {
      html_title: D.title, html_description: metaDescription(), share_url: link, offer_name: o.name,
      first_name: (w.part && w.part.profile && w.part.profile.first_name) || "",
    };
    const text = fill((o.share_messages && o.share_messages[network]) || t(w, "share_message"), vars);
    const url = {
      email: "mailto:?subject=" + enc(t(w, "email_subject", vars)) + "&body=" + enc(text + "\n\n" + link),
      x: "https://twitter.com/intent/tweet?text=" + enc(text) + "&url=" + enc(link),
      linkedin: "https://www.linkedin.com/sharing/share-offsite/?url=" + enc(link),
      facebook: "https://www.facebook.com/sharer/sharer.php?u=" + enc(link),
    }[network];
    if (network === "email") {
      const a = h("a", { href: url, hidden: true });
      w.root.append(a);
      a.click();
      a.remove();
    } else {
      W.open(url, "_blank", "noopener,width=600,height=500");
    }
    shared(w, network);
  }

  function copyLink(w, input, button) {
    const fallback = () => {
      input.focus();
      input.select();
      try { D.execCommand("copy"); } catch (e) { /* the text stays selected for Ctrl+C */ }
    };
    const clip = navigator.clipboard;
    const done = clip && clip.writeText ? clip.writeText(input.value).catch(fallback) : Promise.resolve(fallback());
    done.then(() => {
      button.textContent = t(w, "copied");
      w.r.status.textContent = t(w, "copied_status");
      setTimeout(() => { button.textContent = t(w, "copy"); }, 2000);
    });
    shared(w, "link");
  }

  function shared(w, channel) {
    if (w.part) {
      w.didShare = true;
      if (w.r.skip) w.r.skip.textContent = t(w, "done");
      w.part.shares = (w.part.shares || 0) + 1;
      remember(w.id, w.part);
      if (w.r.count) w.r.count.textContent = t(w, "share_count", { count: w.part.shares });
      send("/v1/track/share", { code: w.part.code, channel });
      return;
    }
    w.shared.add(channel);
    if (w.r.submit && !w.busy) w.r.submit.disabled = false;
    if (w.r.note) w.r.note.hidden = true;
  }

  // Friends' addresses, invited by email through the server (when the offer
  // shares by email and has invitations turned on).
  function inviteForm(w) {
    const o = w.offer;
    const inv = o.invitations;
    if (!inv || !inv.enabled || !(o.networks || []).includes("email") || !w.part || !w.part.id || !w.part.token) return null;
    const max = inv.max_recipients_per_request || 10;
    const emails = h("textarea", { class: "in", id: "inv", part: "invite-emails", autocomplete: "off", rows: 2 });
    const error = h("p", { class: "err", role: "alert", part: "invite-error" });
    const results = h("ul", { class: "res", part: "invite-results", "aria-live": "polite" });
    const submit = h("button", { type: "submit", class: "btn", part: "invite-send" }, t(w, "invite_send"));
    const item = (ok, text) => h("li", { class: ok ? "ok" : "no" }, text);
    const refusal = (r) => item(false, KNOWN_REFUSALS.includes(r.code) ? t(w, "invite_" + r.code, { email: r.email }) : r.message);
    async function onSubmit(e) {
      e.preventDefault();
      if (w.busy) return;
      error.textContent = "";
      const list = Array.from(new Set(emails.value.split(/[\s,;]+/).filter(Boolean)));
      const bad = list.find((a) => !EMAIL_RE.test(a));
      const problem = !list.length ? t(w, "invite_empty") : list.length > max ? t(w, "invite_too_many", { max })
        : bad ? t(w, "invite_bad", { email: bad }) : "";
      if (problem) {
        error.textContent = problem;
        return emails.focus();
      }
      busy(w, submit, t(w, "invite_sending"));
      const res = await call("POST", "/v1/offers/" + enc(w.id) + "/participants/" + enc(w.part.id) + "/invitations", { emails: list, participant_token: w.part.token });
      busy(w, submit, null);
      const d = res.data || {};
      const err = d.error;
      results.textContent = "";
      if (res.ok) {
        (d.invited || []).forEach((a) => results.append(item(true, t(w, "invite_sent", { email: a }))));
        (d.refused || []).forEach((r) => results.append(refusal(r)));
        emails.value = "";
      } else if (err && err.details && Array.isArray(err.details.refused)) {
        err.details.refused.forEach((r) => results.append(refusal(r)));
      } else if (err && KNOWN_REFUSALS.includes(err.code)) {
        results.append(refusal({ code: err.code, email: list.join(", "), message: err.message }));
      } else {
        error.textContent = errorMessage(res, w);
      }
    }
    return h("form", { class: "inv", part: "invite", novalidate: true, onsubmit: onSubmit },
      h("p", { class: "step" }, t(w, "invite_title")),
      h("label", { for: "inv" }, t(w, "invite_label", { max })),
      h("div", { class: "row" }, emails), error, submit, results);
  }
  const KNOWN_REFUSALS = ["already_invited", "unsubscribed", "limit_reached", "invalid_email", "own_address"];

  function trackView(w) {
    const email = field(w, { name: "email", required: true }, 0);
    const error = h("p", { class: "err", role: "alert", part: "error" });
    const submit = h("button", { type: "submit", class: "btn", part: "submit" }, t(w, "show_progress"));
    async function onSubmit(e) {
      e.preventDefault();
      if (w.busy) return;
      error.textContent = "";
      if (!validate([email])) return;
      const address = email.input.value.trim();
      busy(w, submit, t(w, "checking"));
      const res = await lookup(w.id, address);
      busy(w, submit, null);
      if (res.ok) render(w, "sent", true);
      else error.textContent = errorMessage(res, w);
    }
    return [
      h("h2", {}, t(w, "track")),
      h("p", { class: "m" }, t(w, "track_prompt", { offer_name: w.offer.name })),
      h("form", { part: "form", novalidate: true, onsubmit: onSubmit }, email.row, error, submit),
      h("div", { class: "acts" },
        backButton(w)),
    ];
  }

  // ---- the global API --------------------------------------------------------
  function offerIds() {
    const ids = new Set();
    D.querySelectorAll("[data-parrain-offer]").forEach((el) => {
      const id = el.getAttribute("data-parrain-offer").trim();
      if (id) ids.add(id);
    });
    if (!ids.size && script) {
      (script.getAttribute("data-offer") || "").split(/[\s,]+/).forEach((id) => id && ids.add(id));
    }
    return Array.from(ids);
  }

  const event = (id, name) => send("/v1/track/event", { offer_id: id, visitor_id: VID, name });

  const api = {
    loaded: true,
    visitorId: VID,
    track(name) {
      name = String(name == null ? "" : name).trim();
      if (!name) return Promise.resolve([]);
      return Promise.all(offerIds().map((id) => event(id, name)));
    },
    conversion() {
      return Promise.all(offerIds().map((id) => publicView(id).then((res) => {
        const goal = res.ok && res.data && res.data.goal;
        return goal && goal.type === "custom_event" && goal.event ? event(id, goal.event) : null;
      })));
    },
    identify(email, token) {
      email = String(email == null ? "" : email).trim();
      if (!email) return Promise.resolve(null);
      if (!token) console.warn("parrain: identify(email, token) needs the email's identity token from your server");
      return send("/v1/track/identify", { visitor_id: VID, email, identity_token: token ? String(token) : undefined });
    },
  };

  function run(item) {
    const args = Array.prototype.slice.call(item || []);
    const method = api[args[0]];
    return typeof method === "function" ? method.apply(api, args.slice(1)) : undefined;
  }

  // Take over the stub in place, so references the page kept to it still work.
  const stub = W.parrain && typeof W.parrain === "object" ? W.parrain : {};
  const queued = Array.isArray(stub.q) ? stub.q.slice() : [];
  Object.assign(stub, api, { q: { push: (...items) => { items.forEach(run); return 0; } } });
  W.parrain = stub;

  // ---- start -----------------------------------------------------------------
  function scan(node) {
    if (node.nodeType !== 1) return;
    if (node.hasAttribute("data-parrain-offer")) mount(node);
    node.querySelectorAll("[data-parrain-offer]").forEach(mount);
  }

  function start() {
    scan(D.documentElement);
    queued.forEach(run); // after the scan: track() needs the offers on the page
  }

  new MutationObserver((records) => records.forEach((m) => {
    if (m.type === "attributes") mount(m.target);
    else m.addedNodes.forEach(scan);
  })).observe(D.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: ["data-parrain-offer"] });

  if (D.readyState === "loading") {
    scan(D.documentElement);
    D.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
