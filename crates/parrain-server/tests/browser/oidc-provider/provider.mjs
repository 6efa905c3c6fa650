// panva's oidc-provider (OpenID Certified) as the browser tests' identity
// provider: `node provider.mjs PORT REDIRECT_URI`. Its development sign-in
// and consent pages take any login; the account's email is LOGIN@example.com,
// verified unless the login starts with "unverified".
import Provider from "oidc-provider";

const [port, redirectUri] = process.argv.slice(2);
const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [{
    client_id: "parrain-test",
    client_secret: "test-client-secret",
    redirect_uris: [redirectUri],
    grant_types: ["authorization_code"],
    response_types: ["code"],
  }],
  claims: { email: ["email", "email_verified"], profile: ["given_name", "family_name"] },
  // The scopes' claims in the ID token itself, as Google's are.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          email: `${id}@example.com`,
          email_verified: !id.startsWith("unverified"),
          given_name: "Grace",
          family_name: "Hopper",
        };
      },
    };
  },
});
provider.listen(Number(port), "127.0.0.1", () => console.log("listening"));
