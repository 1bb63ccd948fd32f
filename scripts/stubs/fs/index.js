// The npm package "fs" is a security placeholder; packages that depend on it mean Node's built-in module.
module.exports = require('node:fs');
