export { jitRoutes, jitSchemas } from './jit.routes.ts';
export { JitService } from './jit.service.ts';
