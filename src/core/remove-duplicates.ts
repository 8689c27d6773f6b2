import type { ManagementPort } from '../auth0/management-port.js';

/**
 * Deletes a tenant's duplicate applications (ours: the caller found them with our marker and tag, and
 * they are not the survivor), each with its client grants first, so nothing of them is left behind.
 * Deleting what another run already deleted succeeds. Returns the requests it sent.
 */
export async function removeDuplicates(port: ManagementPort, clientIds: readonly string[]): Promise<number> {
  let requests = 0;
  for (const clientId of clientIds) {
    requests++;
    const grants = await port.listClientGrants({ clientId });
    for (const grant of grants.filter((g) => g.client_id === clientId)) {
      requests++;
      await port.deleteClientGrant(grant.id);
    }
    requests++;
    await port.deleteClient(clientId);
  }
  return requests;
}
