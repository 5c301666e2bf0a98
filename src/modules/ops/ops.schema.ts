import { type Static, Type } from 'typebox';

export const NodeInfo = Type.Object({
  nodeId: Type.String(),
  nodeName: Type.String(),
  country: Type.Union([Type.String({ description: 'ISO 3166-1 alpha-2' }), Type.Null()]),
});
export type NodeInfo = Static<typeof NodeInfo>;

export const Status = Type.Object({ status: Type.String() });
