import type { TestProject } from 'vitest/node';
import { dropTestDbTemplate, prepareTestDbTemplate, type TestDbTemplate } from '../src/db/testing.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dbTemplate: TestDbTemplate;
  }
}

export default async function setup(project: TestProject) {
  const template = await prepareTestDbTemplate();
  project.provide('dbTemplate', template);
  return () => dropTestDbTemplate(template);
}
