// The naive way to onboard tenants, for comparison: a sequential loop of SDK creates with the SDK's
// default retries. Run by bench/sync-bench.mjs with the emulator's credentials in the environment.
import { ManagementClient } from 'auth0';

const [count, audience] = [Number(process.argv[2]), process.argv[3]];
const sdk = new ManagementClient({ domain: process.env.AUTH0_DOMAIN, clientId: process.env.AUTH0_CLIENT_ID, clientSecret: process.env.AUTH0_CLIENT_SECRET });
let failed = 0;
for (let i = 0; i < count; i++) {
  const tenant = `tenant-${String(i).padStart(4, '0')}`;
  try {
    const app = await sdk.clients.create({
      name: tenant,
      app_type: 'spa',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      oidc_conformant: true,
      jwt_configuration: { alg: 'RS256' },
      client_metadata: { tenant },
    });
    await sdk.clientGrants.create({ client_id: app.client_id, audience, scope: [], subject_type: 'user' });
  } catch {
    failed += 1;
  }
}
console.log(JSON.stringify({ failed }));
