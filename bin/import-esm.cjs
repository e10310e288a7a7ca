// import() for the CLI bundle: it runs in a vm.Script (load-bundle.cjs), where Node 20 cannot run
// import() without an experimental flag. This file is compiled by Node's own loader, which can.
module.exports = (url) => import(url);
