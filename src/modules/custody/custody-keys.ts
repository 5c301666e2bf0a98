/**
 * Names and key identities of a node's custody log (decision 0004). No database or server code here: the offline
 * bag verifier uses these too.
 */

/** The checkpoint origin line, which is also the signing key's name in the signed note. */
export function custodyOrigin(nodeId: string): string {
  return `passage/${nodeId}/custody`;
}
