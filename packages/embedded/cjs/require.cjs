// CommonJS entry of @tsprom/embedded, an ES module package: Node 20.19 and later (and 22.12+)
// load ES modules with require() and get the same module as `import`; older versions cannot, and
// are told what to do instead of failing with ERR_REQUIRE_ESM or ERR_PACKAGE_PATH_NOT_EXPORTED.
'use strict';
if (!process.features || !process.features.require_module) {
  throw new Error(
    `@tsprom/embedded is an ES module and Node.js ${process.version} cannot require() ES modules: ` +
      "use `import { openDB } from '@tsprom/embedded'` in an ES module, " +
      "`const { openDB } = await import('@tsprom/embedded')` from CommonJS, or Node.js 20.19 or later",
  );
}
module.exports = require('../dist/index.js');
