// The helpers TypeScript's ES5 output calls (tsc runs with noEmitHelpers), written for Espruino: every function is a
// `var f = function` defined before anything calls it (Espruino has no function hoisting), no array holes, no
// Symbol, no `X.prototype.m.call`. The generator follows TypeScript's published state machine (opcodes 0 next,
// 1 throw, 2 return, 3 break, 4 yield, 5 yield*, 6 catch, 7 end finally; trys entries [try, catch, finally, next]).
export const ESPRUINO_HELPERS = `var __extends = function (d, b) {
  for (var p in b) if (b.hasOwnProperty(p) && p !== 'prototype') d[p] = b[p];
  var T = function () { this.constructor = d; };
  T.prototype = b.prototype;
  d.prototype = new T();
};
var __generator = function (thisArg, body) {
  var f = 0, y = 0, t = 0, g;
  var _ = { label: 0, sent: function () { if (t[0] & 1) throw t[1]; return t[1]; }, trys: [], ops: [] };
  var step = function (op) {
    if (f) throw new TypeError('Generator is already executing.');
    while (g && (g = 0, op[0] && (_ = 0)), _) {
      try {
        f = 1;
        if (y && (t = op[0] & 2 ? y['return'] : op[0] ? y['throw'] || ((t = y['return']) && t.call(y), 0) : y.next) && !(t = t.call(y, op[1])).done) return t;
        y = 0;
        if (t) op = [op[0] & 2, t.value];
        var next = 0;
        switch (op[0]) {
          case 0: case 1: t = op; break;
          case 4: _.label++; return { value: op[1], done: false };
          case 5: _.label++; y = op[1]; op = [0]; next = 1; break;
          case 7: op = _.ops.pop(); _.trys.pop(); next = 1; break;
          default:
            t = _.trys;
            t = t.length > 0 && t[t.length - 1];
            if (!t && (op[0] === 6 || op[0] === 2)) { _ = 0; next = 1; break; }
            if (op[0] === 3 && (!t || (op[1] > t[0] && op[1] < t[3]))) { _.label = op[1]; break; }
            if (op[0] === 6 && _.label < t[1]) { _.label = t[1]; t = op; break; }
            if (t && _.label < t[2]) { _.label = t[2]; _.ops.push(op); break; }
            if (t[2]) _.ops.pop();
            _.trys.pop(); next = 1; break;
        }
        if (!next) op = body.call(thisArg, _);
      } catch (e) { op = [6, e]; y = 0; } finally { f = 0; t = 0; }
    }
    if (op[0] & 5) throw op[1];
    return { value: op[0] ? op[1] : void 0, done: true };
  };
  var verb = function (n) { return function (v) { return step([n, v]); }; };
  g = { next: verb(0), 'throw': verb(1), 'return': verb(2) };
  return g;
};
var __assign = function (t) {
  for (var i = 1; i < arguments.length; i++) {
    var s = arguments[i];
    for (var p in s) if (s.hasOwnProperty(p)) t[p] = s[p];
  }
  return t;
};
var __spreadArray = function (to, from) {
  var out = [];
  for (var i = 0; i < to.length; i++) out.push(to[i]);
  for (var j = 0; j < from.length; j++) out.push(from[j]);
  return out;
};
var __awaiter = function (thisArg, args, P, generator) {
  return new Promise(function (resolve, reject) {
    var gen = generator.apply(thisArg, args || []);
    var fulfilled, rejected;
    var step = function (r) { if (r.done) resolve(r.value); else Promise.resolve(r.value).then(fulfilled, rejected); };
    fulfilled = function (v) { try { step(gen.next(v)); } catch (e) { reject(e); } };
    rejected = function (v) { try { step(gen['throw'](v)); } catch (e) { reject(e); } };
    step(gen.next());
  });
};
`;
