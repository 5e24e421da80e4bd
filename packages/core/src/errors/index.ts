export { ProcessGroupError, systemCode, type ErrorOptions } from './process-group-error.js';
export { SpawnError } from './spawn-error.js';
export { BackendUnavailableError } from './backend-unavailable-error.js';
export { GroupGoneError } from './group-gone-error.js';
export { PermissionError } from './permission-error.js';
export { InvalidOptionError } from './invalid-option-error.js';
export { UnsupportedError } from './unsupported-error.js';
