// `npm run lint` (depcruise): import rules that keep the layers pointing one way.
// routes → services → db; shared/ and widget/ stand alone; tests may import anything.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'A cycle makes load order matter and hides which module owns what.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'services-below-routes',
      comment:
        'Services are called by routes, the CLI and jobs; they never reach back up into HTTP.',
      severity: 'error',
      from: { path: '^server/(services|db|mail)/' },
      to: { path: '^server/(routes|middleware|cli)/|^server/app\\.ts$' },
    },
    {
      name: 'db-below-services',
      comment: 'The database layer knows tables and dialects, not what the product does with them.',
      severity: 'error',
      from: { path: '^server/db/' },
      to: { path: '^server/services/' },
    },
    {
      name: 'shared-stands-alone',
      comment: 'shared/ is imported by the server and the browser apps alike.',
      severity: 'error',
      from: { path: '^shared/' },
      to: { path: '^(server|widget|console|preference-center|test)/' },
    },
    {
      name: 'apps-stay-in-the-browser',
      comment:
        'The widget, the console and the preference center ship to browsers: no server code.',
      severity: 'error',
      // size-budget.ts is a build step run by node, not shipped.
      from: { path: '^(widget|console|preference-center)/', pathNot: '/size-budget\\.ts$' },
      to: { path: '^server/' },
    },
    {
      name: 'no-tests-in-the-product',
      severity: 'error',
      from: { pathNot: '^test/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    tsConfig: { fileName: 'tsconfig.json' },
    // Type-only imports count: a type cycle still ties the two files together.
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
  },
};
