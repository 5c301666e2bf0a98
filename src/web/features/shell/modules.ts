/** The work areas the shell already names; each becomes a real page when its module lands on the node. */
export const MODULES = ['cases', 'evidence', 'cooperation', 'linkage', 'audit'] as const;

export type ModuleId = (typeof MODULES)[number];

export const modulePath = (module: ModuleId) => `/${module}`;

export function moduleAt(path: string): ModuleId | null {
  return MODULES.find((module) => modulePath(module) === path) ?? null;
}
