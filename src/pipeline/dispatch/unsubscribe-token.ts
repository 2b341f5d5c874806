// The worker signs unsubscribe links with the subscriber stage's tokens, so a link it sends always verifies there.
export { signUnsubscribeToken as unsubscribeToken, unsubscribeUrl } from '../../subscribers/tokens.ts';
