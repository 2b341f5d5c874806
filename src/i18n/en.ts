/**
 * Every fixed string Broadsheet writes itself, in English: the reference catalogue. Its keys are the key set of
 * every other catalogue (src/i18n/<lang>.ts), so a key added here and missing there is a type error.
 *
 * Adding a key: add it here, then the same key to each file the compiler names. `{name}` is filled in by
 * `t(key, { name })`, never escaped there: templates and callers escape. A message with a `{count}` is an object of
 * plural forms chosen by `Intl.PluralRules` (`other` is required; a language adds `zero`, `one`, `two`, `few`,
 * `many` as it needs them).
 */
export const en = {
  // The provenance footer and the notes around an editorial's text: pages, emails, feeds, partner documents.
  'article.provenanceHeading': 'Wire provenance',
  'article.correction': 'Correction:',
  'article.withdrawnLabel': 'Withdrawn.',
  'article.withdrawnNotice': '{publication} has withdrawn this editorial; its text is no longer published.',
  'article.withdrawn': '{publication} has withdrawn this editorial.',

  // The web page of an editorial.
  'page.byline': 'By {author}',
  'page.updated': 'Updated {date}',
  'page.feedTitle': '{scope} ({format})',

  // The subscribe form at the foot of every page.
  'subscribe.heading': 'Get {publication} by email',
  'subscribe.emailLabel': 'Email address',
  'subscribe.button': 'Subscribe',

  // Home, archive and topic pages.
  'listing.archive': '{publication}: archive, page {page}',
  'listing.topic': '{publication}: {topic}',
  'listing.topicArchive': '{publication}: {topic}, archive page {page}',
  'listing.newer': 'Newer',
  'listing.older': 'Older',
  'listing.pagination': 'More editorials',
  'listing.empty': 'No editorials have been published here yet.',

  // The email of an editorial (HTML and plain text) and its MIME message.
  'email.viewInBrowser': 'View in browser',
  'email.unsubscribe': 'Unsubscribe or change topics',
  'email.why': 'You receive {publication} because you subscribed to it.',
  'email.continueReading': 'Continue reading',
  'email.textViewInBrowser': 'View in browser: {url}',
  'email.textUnsubscribe': 'Unsubscribe or change topics: {url}',
  'email.textContinueReading': 'Continue reading: {url}',
  'email.mimePreamble': 'This is a multi-part message in MIME format.',

  // The double opt-in email.
  'confirmation.subject': 'Confirm your subscription to {publication}',
  'confirmation.intro': 'Please confirm that you want to receive {publication} by email.',
  'confirmation.button': 'Confirm your subscription',
  'confirmation.textLink': 'Confirm your subscription:',
  'confirmation.orOpen': 'Or open this link: {link}',
  'confirmation.expiry': {
    one: 'The link works for {count} day. If you did not ask for this, ignore this message: you will not be subscribed and will not hear from us again.',
    other:
      'The link works for {count} days. If you did not ask for this, ignore this message: you will not be subscribed and will not hear from us again.',
  },

  // The pages that answer the subscribe, confirm and unsubscribe links and forms.
  'notice.notAvailableTitle': 'Not available',
  'notice.notAvailable': 'This address only answers the forms on our pages.',
  'notice.tooLargeTitle': 'Too much data',
  'notice.tooLarge': 'The form sent more than it should. Please try again.',
  'notice.failedTitle': 'Something went wrong',
  'notice.failed': 'We could not finish this just now. Nothing was lost: please try again in a minute.',
  'notice.badAddressTitle': 'That address does not look right',
  'notice.badAddressHint': 'Check it and try again; an address looks like name@example.org.',
  'notice.checkInboxTitle': 'Check your inbox',
  'notice.checkInboxSent':
    'We have sent a confirmation link to the address you entered, unless it is already subscribed.',
  'notice.checkInboxOpen': {
    one: 'Open the link in that email to start receiving {publication}. It works for {count} day; until then you will get nothing else from us.',
    other:
      'Open the link in that email to start receiving {publication}. It works for {count} days; until then you will get nothing else from us.',
  },
  'notice.checkInboxSpam': 'Nothing there after a few minutes? Look in your spam folder, or subscribe again.',
  'notice.backTo': 'Back to {publication}',
  'notice.badConfirmTitle': 'This confirmation link does not work',
  'notice.badConfirmExpired': {
    one: 'It has expired: confirmation links work for {count} day.',
    other: 'It has expired: confirmation links work for {count} days.',
  },
  'notice.badConfirmInvalid':
    'It is incomplete or has been changed. Check that you opened the whole link from the email.',
  'notice.badConfirmNotPending': 'It belongs to a subscription that has since been cancelled.',
  'notice.badConfirmAgain': 'To subscribe, enter your address again and we will send you a new link.',
  'notice.subscribeAgain': 'Subscribe again',
  'notice.confirmTitle': 'Confirm your subscription',
  'notice.confirmText': 'Press the button to start receiving {publication} by email.',
  'notice.confirmButton': 'Confirm subscription',
  'notice.subscribedTitle': "You're subscribed",
  'notice.subscribedAlready': 'You were already subscribed to {publication}.',
  'notice.subscribedThanks': 'Thank you: {publication} will arrive in your inbox from the next edition.',
  'notice.subscribedLeave': 'Every email has a link at the bottom to unsubscribe at once.',
  'notice.read': 'Read {publication}',
  'notice.badUnsubscribeTitle': 'This unsubscribe link does not work',
  'notice.badUnsubscribe':
    'It is incomplete or has been changed. Open the whole link from the bottom of one of our emails.',
  'notice.badUnsubscribeWrite': 'Or write to {address} and we will take you off the list.',
  'notice.badUnsubscribeReply': 'Or reply to one of our emails and we will take you off the list.',
  'notice.writeTo': 'Write to {address}',
  'notice.unsubscribeTitle': 'Unsubscribe from {publication}',
  'notice.unsubscribeText': 'Press the button and you will get no more emails from {publication}.',
  'notice.unsubscribeButton': 'Unsubscribe',
  'notice.unsubscribedTitle': "You're unsubscribed",
  'notice.unsubscribed': 'You will get no more emails from {publication}.',
  'notice.unsubscribedAgain': 'Changed your mind? You can subscribe again at any time.',

  // What the subscribe and confirm forms answer a post from another site, or a client sending too often.
  'guard.crossSiteTitle': 'Not accepted from another site',
  'guard.crossSite': 'This form only accepts what is sent from our own pages. Open our site and use the form there.',
  'guard.tooManyTitle': 'Too many requests',
  'guard.tooMany':
    'This connection has sent the form too often in the last minute. Please wait a minute and try again.',

  // Why an address typed into the subscribe form was refused (src/subscribers/address.ts gives the reason).
  'address.empty': 'The address is empty.',
  'address.space': 'The address contains a space or a control character.',
  'address.oneAt': 'The address must contain exactly one @.',
  'address.local': 'The part before the @ is not a valid mailbox name.',
  'address.domain': 'The part after the @ is not a valid domain name.',
  'address.tooLong': 'The address is longer than {max} characters.',
  'address.invalid': 'This is not a usable email address.',

  // The renditions a partner's ninjs document names.
  'ninjs.webPage': 'Web page',
  'ninjs.self': 'This ninjs document',

  // The preference page behind the link at the bottom of every email.
  'preferences.title': 'Your subscription',
  'preferences.intro':
    '{email} receives {publication} by email. Whoever has this link can change that, so do not forward it.',
  'preferences.topicsHeading': 'Topics',
  'preferences.topicsLegend': 'Send me editorials about',
  'preferences.saveTopics': 'Save topics',
  'preferences.saved': 'Your topics are saved. The next editorials follow your choice.',
  'preferences.noTopic': 'Choose at least one topic, or unsubscribe below.',
  'preferences.unsubscribeHeading': 'Unsubscribe',
  'preferences.unsubscribeText': 'Stop every email from {publication}. You can subscribe again at any time.',
  'preferences.unsubscribeButton': 'Unsubscribe',
  'preferences.dataHeading': 'Your data',
  'preferences.dataText': 'Download everything {publication} keeps about your subscription, as a JSON file.',
  'preferences.exportButton': 'Download my data',
  'preferences.eraseText': 'Erase your subscription and everything kept about it. This cannot be undone.',
  'preferences.eraseConfirm': 'I want my data erased',
  'preferences.eraseButton': 'Erase my data',
  'cadence.legend': 'How often should we email you?',
  'cadence.each': 'Every editorial as it is published',
  'cadence.daily': 'A daily digest',
  'cadence.weekly': 'A weekly digest',
  'cadence.heading': 'How often you get email',
  'cadence.current': 'Your choice now: {cadence}.',
  'cadence.save': 'Save how often',
  'cadence.saved':
    'Your choice is saved. It applies to editorials published from now on; those published before it follow your earlier choice.',
  'cadence.notSubscribed':
    'This subscription has ended, so there is nothing to change. Subscribe again to choose how often you get email.',
  'cadence.refusedTitle': 'That choice is not offered',
  'cadence.refused':
    '{publication} does not offer that choice of how often to email you. Choose one of the options below.',
  'preferences.erasedTitle': 'Your data is erased',
  'preferences.erasedText':
    '{publication} no longer keeps your address or your choices. You will get no more emails from us.',
  'preferences.goneTitle': 'This subscription no longer exists',
  'preferences.goneText':
    'It has been erased, or the address was never confirmed. You can subscribe again at any time.',
  'preferences.notSubscribed':
    'This subscription has ended, so there are no topics to choose. Subscribe again to choose them.',
  'preferences.subscribeAgain': 'Subscribe again',
  'preferences.proofTitle': 'This link comes from a proof',
  'preferences.proofText':
    'This email was a proof of an editorial from {publication}, sent to the desk before it goes out, so this link changes nothing. In the copies subscribers receive, the same link opens their own subscription preferences: topics, unsubscribe and their data.',

  // The welcome email after a confirmation (subscription.welcomeEmail).
  'welcome.subject': 'Welcome to {publication}',
  'welcome.intro': 'Your subscription to {publication} is confirmed. Welcome.',
  'welcome.everyTopic': 'You will receive every editorial, on every topic.',
  'welcome.someTopics': 'You will receive the editorials on: {topics}.',
  'welcome.change': 'Change your topics, download your data or unsubscribe',
  'welcome.textChange': 'Change your topics, download your data or unsubscribe: {url}',
  // The digest email: a day's or a week's editorials in one message (src/render/email/digest.ts).
  'digest.titleDaily': '{publication}: your daily digest',
  'digest.titleWeekly': '{publication}: your weekly digest',
  'digest.subjectDaily': '{publication} daily digest: {date}',
  'digest.subjectWeekly': '{publication} weekly digest: {date}',
  'digest.period': 'Editorials made public from {start} until {end}',
  'digest.sources': { one: '{count} source', other: '{count} sources' },
  'digest.corrected': 'Corrected:',
  'digest.more': { one: '{count} more editorial on the site', other: '{count} more editorials on the site' },
  'digest.textMore': {
    one: '{count} more editorial on the site: {url}',
    other: '{count} more editorials on the site: {url}',
  },
} as const;
