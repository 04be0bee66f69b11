// The cidguard console: custom elements an application imports and mounts (see docs/console.md).
export { CgElement, ApiError, apiRequest } from "./base.js";
export { PolicyDraft } from "./draft.js";
export { loadCore } from "./core.js";
export { CgCallPreview } from "./call-preview.js";
export { CgPrivacySettings } from "./privacy-settings.js";
export { CgBlocklists } from "./blocklists.js";
export { CgReplay } from "./replay.js";
export { CgMasking } from "./masking.js";
export { CgUserBlocklist } from "./user-blocklist.js";
