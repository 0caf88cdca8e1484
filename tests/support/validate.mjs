// This module checks xAPI statements with Learning Locker's validator
// (@learninglocker/xapi-validation), an independent judge of what the Pelita player sends.
// The validator is a function taking one statement and returning a list of rulr warnings
// (an empty list means valid); here each warning becomes a short readable sentence naming
// the property path, so a failing test says exactly what is wrong.

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const validateStatement = require('@learninglocker/xapi-validation').default;

function show(value) {
  let text;
  try {
    text = JSON.stringify(value);
  } catch {
    text = String(value);
  }
  if (text === undefined) text = String(value);
  return text.length > 120 ? text.slice(0, 117) + '...' : text;
}

/** Turns one validator warning into a readable sentence. */
export function describeWarning(warning) {
  const where = Array.isArray(warning.path) ? warning.path.join('.') : '?';
  const kind = warning.name || (warning.constructor && warning.constructor.name) || 'Warning';
  if (kind === 'RestrictedKeysWarning' && Array.isArray(warning.keys)) {
    // rulr puts the offending (unknown) keys in `keys`.
    return `${where}: unknown properties ${show(warning.keys)}`;
  }
  if (kind === 'TypeWarning') {
    const type = warning.typeName || (warning.type && warning.type.name) || 'the expected type';
    return `${where}: ${show(warning.data)} is not a valid ${type}`;
  }
  if (kind === 'RequiredWarning') {
    return `${where}: required value is missing`;
  }
  return `${where}: ${kind} (value ${show(warning.data)})`;
}

/** The readable problems of one statement (empty when valid). */
export function statementProblems(statement) {
  return validateStatement(statement).map(describeWarning);
}

/**
 * Validates a list of statements. Returns [{ index, id, problems }] for the invalid ones
 * only, so `assert.deepEqual(validateStatements(list), [])` is the usual check.
 */
export function validateStatements(statements) {
  if (!Array.isArray(statements)) {
    throw new TypeError('validateStatements expects an array of statements');
  }
  const invalid = [];
  statements.forEach((statement, index) => {
    const problems = statementProblems(statement);
    if (problems.length > 0) {
      invalid.push({ index, id: statement && statement.id, problems });
    }
  });
  return invalid;
}
