import { createRouter } from '../router';
import { getDigest, getDigestRoute } from './get-digest';

export function digestRouter() {
  return createRouter().openapi(getDigestRoute, getDigest);
}
