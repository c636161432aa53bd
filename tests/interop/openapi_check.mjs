// docs/openapi.yaml checked with independent tools: @apidevtools/swagger-parser (OpenAPI 3.1
// structure and $refs) and ajv (JSON Schema 2020-12, the dialect of OpenAPI 3.1 schemas).
// Used by tests/unit/openapi_document_test.cpp and tests/e2e/openapi_test.cpp.
//
//   node openapi_check.mjs validate SPEC            exit 0 iff SPEC is a valid OpenAPI document
//   node openapi_check.mjs operations SPEC          prints ["GET /v1/node", ...]
//   node openapi_check.mjs parameters SPEC          prints every operation with its parameters:
//       [{"method":"GET","path":"/v1/tx/{id}","params":[{"name":"id","in":"path","type":"string"}]}]
//   node openapi_check.mjs answer SPEC METHOD PATH STATUS CONTENT_TYPE BODY_FILE
//       checks one real answer against the schema SPEC gives for that operation, status and
//       content type (other bodies: that SPEC documents the content type); exit 0 iff it matches
//   node openapi_check.mjs problem SPEC BODY_FILE   checks a body against components/Problem
//
// Prints one JSON line {"ok": ..., ...}; exit 1 on any failure.
import { readFileSync } from 'node:fs';
import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];
const done = (result) => {
  console.log(JSON.stringify(result));
  process.exit(result.ok ? 0 : 1);
};

function schemaChecker() {
  // OpenAPI 3.1 schemas are JSON Schema 2020-12 plus annotation keywords ajv may not know.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  return (schema, value) => {
    const check = ajv.compile(schema);
    return check(value) ? null : ajv.errorsText(check.errors);
  };
}

// The path template of SPEC that a concrete path matches ("/v1/tx/ab" -> "/v1/tx/{id}").
function findTemplate(api, path) {
  const exact = Object.keys(api.paths).find((t) => t === path);
  if (exact) return exact;
  return Object.keys(api.paths).find((t) => {
    const re = new RegExp('^' + t.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+') + '$');
    return re.test(path);
  });
}

// The media type entry matching a Content-Type header: exact, else without parameters.
function findMediaType(content, contentType) {
  if (!content) return undefined;
  if (content[contentType]) return content[contentType];
  const base = contentType.split(';')[0].trim();
  const key = Object.keys(content).find((k) => k.split(';')[0].trim() === base);
  return key ? content[key] : undefined;
}

async function checkAnswer(spec, method, path, status, contentType, bodyFile) {
  const api = await SwaggerParser.dereference(spec);
  const template = findTemplate(api, path.split('?')[0]);
  if (!template) return { ok: false, error: `${path} matches no path of the spec` };
  const op = api.paths[template][method.toLowerCase()];
  if (!op) return { ok: false, error: `${method} ${template} is not in the spec` };
  const response = op.responses[String(status)] ?? op.responses.default;
  if (!response) return { ok: false, error: `${method} ${template} documents no ${status} answer` };
  const media = findMediaType(response.content, contentType);
  if (!media)
    return { ok: false, error: `${method} ${template} ${status} documents no ${contentType}` };
  // Bodies that are not JSON (text, blocks, CARs) are checked for their documented media type only.
  if (!/[/+]json$/.test(contentType.split(';')[0].trim()))
    return { ok: true, operation: `${method} ${template}`, status, checked: 'media type' };
  const body = JSON.parse(readFileSync(bodyFile, 'utf8'));
  const error = schemaChecker()(media.schema, body);
  if (error) return { ok: false, error: `${method} ${template} ${status}: ${error}` };
  return { ok: true, operation: `${method} ${template}`, status };
}

const [command, spec, ...rest] = process.argv.slice(2);
try {
  if (command === 'validate') {
    const api = await SwaggerParser.validate(spec);
    const count = Object.values(api.paths).reduce(
      (n, item) => n + METHODS.filter((m) => item[m]).length, 0);
    done({ ok: true, openapi: api.openapi, operations: count });
  } else if (command === 'operations') {
    const api = await SwaggerParser.parse(spec);
    const ops = [];
    for (const [path, item] of Object.entries(api.paths))
      for (const m of METHODS) if (item[m]) ops.push(`${m.toUpperCase()} ${path}`);
    console.log(JSON.stringify(ops));
  } else if (command === 'parameters') {
    const api = await SwaggerParser.dereference(spec);
    const ops = [];
    for (const [path, item] of Object.entries(api.paths))
      for (const m of METHODS) {
        if (!item[m]) continue;
        const params = [...(item.parameters ?? []), ...(item[m].parameters ?? [])].map((p) => ({
          name: p.name,
          in: p.in,
          type: (p.schema && (Array.isArray(p.schema.type) ? p.schema.type[0] : p.schema.type)) ||
            'string',
        }));
        ops.push({ method: m.toUpperCase(), path, params, body: Boolean(item[m].requestBody) });
      }
    console.log(JSON.stringify(ops));
  } else if (command === 'answer') {
    const [method, path, status, contentType, bodyFile] = rest;
    done(await checkAnswer(spec, method, path, Number(status), contentType, bodyFile));
  } else if (command === 'problem') {
    const api = await SwaggerParser.dereference(spec);
    const body = JSON.parse(readFileSync(rest[0], 'utf8'));
    const error = schemaChecker()(api.components.schemas.Problem, body);
    done(error ? { ok: false, error } : { ok: true });
  } else {
    done({ ok: false, error: `unknown command "${command}"; see the comment at the top` });
  }
} catch (e) {
  done({ ok: false, error: String(e && e.message ? e.message : e) });
}
