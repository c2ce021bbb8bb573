import { createRouter } from '../router';
import { getWordPressHealth, getWordPressHealthRoute } from './get-wordpress-health';

export function wordpressRouter() {
  return createRouter().openapi(getWordPressHealthRoute, getWordPressHealth);
}
