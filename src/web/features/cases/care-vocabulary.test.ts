import { describe, expect, it } from 'vitest';
import * as server from '../../../modules/care/care.service.ts';
import { DEFAULT_SHARED_FIELDS, SERVICE_TYPES } from './vocabulary.ts';

describe('the care vocabulary of the web app', () => {
  it('offers exactly the service types the server accepts', () => {
    expect(SERVICE_TYPES).toEqual(server.SERVICE_TYPES);
  });

  it('preselects the identity fields the server shares by default', () => {
    expect(DEFAULT_SHARED_FIELDS).toEqual(server.DEFAULT_SHARED_FIELDS);
  });
});
