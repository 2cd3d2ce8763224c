// A V8 code cache for the compiled CLI: a short command such as `kehoach validate` spends about as
// long compiling the ~200 modules it loads (ours, yaml, zod, i18next) as checking the plans. On
// Node ≥ 22.1 Node's own cache does this (module.enableCompileCache). On Node 20 this file does it:
// each CommonJS module is compiled with the bytes V8 produced for it on an earlier run, and the
// bytes are taken at exit, after the run, so that they hold every function the command ran, not
// only the top level (which is all that produceCachedData or v8-compile-cache keep).
//
// The cache is one file per command under node_modules/.cache/kehoach-v8/ (git-ignored, thrown
// away with node_modules, written only by whoever can write the installation). An entry is used
// only for the same file content (sha1), Node version and architecture, and V8 refuses bytes made
// with other flags. Nothing here may make a run fail: any problem reading, using or writing the
// cache means the module is compiled as usual. KEHOACH_COMPILE_CACHE=off turns it off.
'use strict';
const { Buffer } = require('node:buffer');
const { createHash } = require('node:crypto');
const { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

/** Commands that serve until stopped gain nothing from starting faster and should stop at once. */
const SERVERS = new Set(['up', 'api', 'worker']);

const sha1 = (data) => createHash('sha1').update(data).digest('base64');

/**
 * The cache file: a 4-byte length, a JSON index { sha1 of the bytes, modules: [[filename, sha1 of
 * the source, offset, length], …] }, then the bytes. V8 checks its version and flags but not the
 * bytes themselves: a file whose bytes do not match is not used at all.
 */
function readCache(file) {
  const entries = new Map();
  let buffer;
  try {
    buffer = readFileSync(file);
  } catch {
    return entries;
  }
  try {
    const dataStart = 4 + buffer.readUInt32LE(0);
    const index = JSON.parse(buffer.toString('utf8', 4, dataStart));
    const data = buffer.subarray(dataStart);
    if (index.sha1 !== sha1(data)) return entries;
    for (const [filename, hash, offset, length] of index.modules) {
      if (offset + length > data.length) return new Map();
      entries.set(filename, { hash, data: data.subarray(offset, offset + length) });
    }
  } catch {
    return new Map();
  }
  return entries;
}

function writeCache(file, entries) {
  const index = [];
  const chunks = [];
  let offset = 0;
  for (const [filename, { hash, data: bytes }] of entries) {
    index.push([filename, hash, offset, bytes.length]);
    chunks.push(bytes);
    offset += bytes.length;
  }
  const data = Buffer.concat(chunks);
  const indexBytes = Buffer.from(JSON.stringify({ sha1: sha1(data), modules: index }), 'utf8');
  const header = Buffer.alloc(4);
  header.writeUInt32LE(indexBytes.length, 0);
  mkdirSync(path.dirname(file), { recursive: true });
  // Written aside and renamed: a run reading at the same time sees the old file or the new one.
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, Buffer.concat([header, indexBytes, data]));
    renameSync(temporary, file);
  } finally {
    rmSync(temporary, { force: true });
  }
}

/**
 * Turns the cache on for this process, for the modules loaded from now on. `root` is the
 * installation (its node_modules holds the cache); `command` names the cache file.
 */
function enableCompileCache(root, command) {
  try {
    if (process.env.KEHOACH_COMPILE_CACHE === 'off' || SERVERS.has(command) || !/^[a-z-]+$/.test(command ?? '')) return;
    const dir = path.join(root, 'node_modules', '.cache', 'kehoach-v8');
    if (typeof Module.enableCompileCache === 'function') {
      Module.enableCompileCache(dir);
      return;
    }
    // Without it, import() inside a module compiled here would fail (Node before 20.12 lacks it).
    const importModuleDynamically = vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER;
    if (!importModuleDynamically) return;
    hookCompile(path.join(dir, `${command}-${process.version}-${process.arch}.bin`), importModuleDynamically);
  } catch {
    // No cache: the command runs as without it.
  }
}

/** The `require` a module's code sees, as Node builds it. */
function requireFor(module) {
  const require = (id) => module.require(id);
  require.resolve = (request, options) => Module._resolveFilename(request, module, false, options);
  require.resolve.paths = (request) => Module._resolveLookupPaths(request, module);
  require.main = process.mainModule;
  require.extensions = Module._extensions;
  require.cache = Module._cache;
  return require;
}

function hookCompile(file, importModuleDynamically) {
  const previous = readCache(file);
  /** This run's modules: the entry reused, or the script whose bytes are taken at exit. */
  const current = new Map();
  let changed = false;
  const compile = Module.prototype._compile;

  Module.prototype._compile = function (content, filename, format) {
    if ((format !== undefined && format !== 'commonjs') || typeof content !== 'string' || !/\.c?js$/.test(filename)) {
      return compile.apply(this, arguments);
    }
    let wrapper;
    try {
      const hash = sha1(content);
      const cached = previous.get(filename);
      const usable = cached?.hash === hash ? cached.data : undefined;
      const script = new vm.Script(Module.wrap(content), { filename, cachedData: usable, importModuleDynamically });
      if (usable && !script.cachedDataRejected) {
        current.set(filename, cached);
      } else {
        current.set(filename, { hash, script });
        changed = true;
      }
      wrapper = script.runInThisContext({ displayErrors: true });
    } catch {
      // A syntax error, a shebang, ES module syntax: Node's own compile handles it (and reports it).
      return compile.apply(this, arguments);
    }
    return Reflect.apply(wrapper, this.exports, [this.exports, requireFor(this), this, filename, path.dirname(filename)]);
  };

  process.once('exit', () => {
    if (!changed && current.size === previous.size) return;
    try {
      const entries = new Map();
      for (const [filename, entry] of current) {
        entries.set(filename, entry.script ? { hash: entry.hash, data: entry.script.createCachedData() } : entry);
      }
      writeCache(file, entries);
    } catch {
      // A read-only installation, a full disk: the next run compiles as this one did.
    }
  });
}

module.exports = { enableCompileCache };
