import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Scenario } from './differential-cases.js';

/**
 * Serves every scenario's key set on loopback (`/jwks/<scenario>[/<issuer>]`, with its status) and points the
 * scenarios' settings at them. Resolves with the server, to close after the tests.
 */
export async function serveScenarioKeySets(scenarios: Scenario[]): Promise<Server> {
  const server = createServer((req, res) => {
    const [, , index, issuer] = req.url!.split('/');
    const scenario = scenarios[Number(index)]!;
    const text = issuer === undefined ? scenario.jwksText : scenario.jwksTexts![Number(issuer)]!;
    res.writeHead(scenario.jwksStatus ?? 200, { 'content-type': 'application/json' }).end(text);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  scenarios.forEach((scenario, i) => {
    if (scenario.settings.schemaVersion === 1) scenario.settings.jwksUri = `${base}/jwks/${i}`;
    else scenario.settings.issuers.forEach((issuer, k) => (issuer.jwksUri = `${base}/jwks/${i}/${k}`));
  });
  return server;
}
