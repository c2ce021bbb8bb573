import { createRouter } from '../router';
import { getReview, getReviewRoute } from './get-review';

export function reviewRouter() {
  return createRouter().openapi(getReviewRoute, getReview);
}
