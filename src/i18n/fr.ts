import type { Catalogue } from './types.ts';

/** French. A no-break space (\u00a0) goes before « : ; ? ! », as French typography sets them. */
export const fr: Catalogue = {
  'article.provenanceHeading': 'Sources de la dépêche',
  'article.correction': 'Rectificatif\u00a0:',
  'article.withdrawnLabel': 'Article retiré.',
  'article.withdrawnNotice': '{publication} a retiré cet éditorial\u00a0; son texte n’est plus publié.',
  'article.withdrawn': '{publication} a retiré cet éditorial.',

  'page.byline': 'Par {author}',
  'page.updated': 'Mis à jour le {date}',
  'page.feedTitle': '{scope} (flux {format})',

  'subscribe.heading': 'Recevoir {publication} par e-mail',
  'subscribe.emailLabel': 'Adresse e-mail',
  'subscribe.button': 'S’abonner',

  'listing.archive': '{publication}\u00a0: archives, page {page}',
  'listing.topic': '{publication}\u00a0: {topic}',
  'listing.topicArchive': '{publication}\u00a0: {topic}, archives, page {page}',
  'listing.newer': 'Plus récents',
  'listing.older': 'Plus anciens',
  'listing.pagination': 'Autres éditoriaux',
  'listing.empty': 'Aucun éditorial n’a encore été publié ici.',

  'email.viewInBrowser': 'Afficher dans le navigateur',
  'email.unsubscribe': 'Se désabonner ou changer de thèmes',
  'email.why': 'Vous recevez {publication} parce que vous vous y êtes abonné.',
  'email.continueReading': 'Lire la suite',
  'email.textViewInBrowser': 'Afficher dans le navigateur\u00a0: {url}',
  'email.textUnsubscribe': 'Se désabonner ou changer de thèmes\u00a0: {url}',
  'email.textContinueReading': 'Lire la suite\u00a0: {url}',
  'email.mimePreamble': 'Ce message est au format MIME en plusieurs parties.',

  'confirmation.subject': 'Confirmez votre abonnement à {publication}',
  'confirmation.intro': 'Merci de confirmer que vous souhaitez recevoir {publication} par e-mail.',
  'confirmation.button': 'Confirmer mon abonnement',
  'confirmation.textLink': 'Confirmer votre abonnement\u00a0:',
  'confirmation.orOpen': 'Ou ouvrez ce lien\u00a0: {link}',
  'confirmation.expiry': {
    one: 'Le lien est valable {count}\u00a0jour. Si vous n’avez rien demandé, ignorez ce message\u00a0: vous ne serez pas abonné et nous ne vous écrirons plus.',
    other:
      'Le lien est valable {count}\u00a0jours. Si vous n’avez rien demandé, ignorez ce message\u00a0: vous ne serez pas abonné et nous ne vous écrirons plus.',
  },

  'notice.notAvailableTitle': 'Page indisponible',
  'notice.notAvailable': 'Cette adresse ne répond qu’aux formulaires de nos pages.',
  'notice.tooLargeTitle': 'Trop de données',
  'notice.tooLarge': 'Le formulaire a envoyé plus de données que prévu. Veuillez réessayer.',
  'notice.failedTitle': 'Un problème est survenu',
  'notice.failed': 'Nous n’avons pas pu terminer l’opération. Rien n’est perdu\u00a0: réessayez dans une minute.',
  'notice.badAddressTitle': 'Cette adresse semble incorrecte',
  'notice.badAddressHint': 'Vérifiez-la et réessayez\u00a0; une adresse se présente ainsi\u00a0: nom@example.org.',
  'notice.checkInboxTitle': 'Consultez votre boîte de réception',
  'notice.checkInboxSent':
    'Nous avons envoyé un lien de confirmation à l’adresse indiquée, sauf si elle est déjà abonnée.',
  'notice.checkInboxOpen': {
    one: 'Ouvrez le lien de ce message pour commencer à recevoir {publication}. Il est valable {count}\u00a0jour\u00a0; d’ici là, vous ne recevrez rien d’autre de notre part.',
    other:
      'Ouvrez le lien de ce message pour commencer à recevoir {publication}. Il est valable {count}\u00a0jours\u00a0; d’ici là, vous ne recevrez rien d’autre de notre part.',
  },
  'notice.checkInboxSpam':
    'Rien reçu après quelques minutes\u00a0? Regardez dans vos courriers indésirables, ou abonnez-vous de nouveau.',
  'notice.backTo': 'Retour à {publication}',
  'notice.badConfirmTitle': 'Ce lien de confirmation ne fonctionne pas',
  'notice.badConfirmExpired': {
    one: 'Il a expiré\u00a0: les liens de confirmation sont valables {count}\u00a0jour.',
    other: 'Il a expiré\u00a0: les liens de confirmation sont valables {count}\u00a0jours.',
  },
  'notice.badConfirmInvalid':
    'Il est incomplet ou a été modifié. Vérifiez que vous avez ouvert le lien complet du message.',
  'notice.badConfirmNotPending': 'Il correspond à un abonnement qui a été annulé depuis.',
  'notice.badConfirmAgain':
    'Pour vous abonner, saisissez de nouveau votre adresse\u00a0: nous vous enverrons un nouveau lien.',
  'notice.subscribeAgain': 'Se réabonner',
  'notice.confirmTitle': 'Confirmez votre abonnement',
  'notice.confirmText': 'Appuyez sur le bouton pour commencer à recevoir {publication} par e-mail.',
  'notice.confirmButton': 'Confirmer l’abonnement',
  'notice.subscribedTitle': 'Vous êtes abonné',
  'notice.subscribedAlready': 'Vous étiez déjà abonné à {publication}.',
  'notice.subscribedThanks':
    'Merci\u00a0: {publication} arrivera dans votre boîte de réception dès la prochaine édition.',
  'notice.subscribedLeave': 'Chaque message contient en bas un lien pour vous désabonner immédiatement.',
  'notice.read': 'Lire {publication}',
  'notice.badUnsubscribeTitle': 'Ce lien de désabonnement ne fonctionne pas',
  'notice.badUnsubscribe':
    'Il est incomplet ou a été modifié. Ouvrez le lien complet figurant au bas de l’un de nos messages.',
  'notice.badUnsubscribeWrite': 'Vous pouvez aussi écrire à {address}\u00a0: nous vous retirerons de la liste.',
  'notice.badUnsubscribeReply':
    'Vous pouvez aussi répondre à l’un de nos messages\u00a0: nous vous retirerons de la liste.',
  'notice.writeTo': 'Écrire à {address}',
  'notice.unsubscribeTitle': 'Se désabonner de {publication}',
  'notice.unsubscribeText': 'Appuyez sur le bouton et vous ne recevrez plus aucun message de {publication}.',
  'notice.unsubscribeButton': 'Se désabonner',
  'notice.unsubscribedTitle': 'Vous êtes désabonné',
  'notice.unsubscribed': 'Vous ne recevrez plus aucun message de {publication}.',
  'notice.unsubscribedAgain': 'Vous avez changé d’avis\u00a0? Vous pouvez vous réabonner à tout moment.',
  'guard.crossSiteTitle': 'Refusé depuis un autre site',
  'guard.crossSite':
    'Ce formulaire n’accepte que ce qui est envoyé depuis nos propres pages. Ouvrez notre site et utilisez le formulaire qui s’y trouve.',
  'guard.tooManyTitle': 'Trop de demandes',
  'guard.tooMany':
    'Cette connexion a envoyé le formulaire trop souvent au cours de la dernière minute. Veuillez patienter une minute, puis réessayer.',

  'address.empty': 'L’adresse est vide.',
  'address.space': 'L’adresse contient une espace ou un caractère de contrôle.',
  'address.oneAt': 'L’adresse doit contenir un seul @.',
  'address.local': 'La partie avant le @ n’est pas un nom de boîte aux lettres valide.',
  'address.domain': 'La partie après le @ n’est pas un nom de domaine valide.',
  'address.tooLong': 'L’adresse dépasse {max}\u00a0caractères.',
  'address.invalid': 'Cette adresse e-mail n’est pas utilisable.',

  'ninjs.webPage': 'Page web',
  'ninjs.self': 'Ce document ninjs',

  'preferences.title': 'Votre abonnement',
  'preferences.intro':
    'Cette page concerne l’abonnement de {email} à {publication}. Toute personne disposant de ce lien peut le modifier : ne le transférez pas.',
  'preferences.topicsHeading': 'Thèmes',
  'preferences.topicsLegend': 'Recevoir les éditoriaux sur',
  'preferences.saveTopics': 'Enregistrer les thèmes',
  'preferences.saved': 'Vos thèmes sont enregistrés. Les prochains éditoriaux suivront votre choix.',
  'preferences.noTopic': 'Choisissez au moins un thème, ou désabonnez-vous ci-dessous.',
  'preferences.unsubscribeHeading': 'Se désabonner',
  'preferences.unsubscribeText':
    'Ne plus recevoir aucun e-mail de {publication}. Vous pourrez vous réabonner à tout moment.',
  'preferences.unsubscribeButton': 'Se désabonner',
  'preferences.dataHeading': 'Vos données',
  'preferences.dataText': 'Téléchargez tout ce que {publication} conserve sur votre abonnement, dans un fichier JSON.',
  'preferences.exportButton': 'Télécharger mes données',
  'preferences.eraseText':
    'Effacez votre abonnement et tout ce qui est conservé à son sujet. Cette opération est définitive.',
  'preferences.eraseConfirm': 'Je veux que mes données soient effacées',
  'preferences.eraseButton': 'Effacer mes données',
  'cadence.legend': 'À quelle fréquence souhaitez-vous recevoir nos e-mails ?',
  'cadence.each': 'Chaque éditorial dès sa publication',
  'cadence.daily': 'Un récapitulatif quotidien',
  'cadence.weekly': 'Un récapitulatif hebdomadaire',
  'cadence.heading': 'Fréquence de vos e-mails',
  'cadence.current': 'Votre choix actuel : {cadence}.',
  'cadence.save': 'Enregistrer la fréquence',
  'cadence.saved':
    'Votre choix est enregistré. Il s’applique aux éditoriaux publiés à partir de maintenant ; ceux publiés avant suivent votre choix précédent.',
  'cadence.notSubscribed':
    'Cet abonnement a pris fin : il n’y a rien à changer. Réabonnez-vous pour choisir à quelle fréquence recevoir nos e-mails.',
  'cadence.refusedTitle': 'Ce choix n’est pas proposé',
  'cadence.refused': '{publication} ne propose pas cette fréquence d’envoi. Choisissez l’une des options ci-dessous.',
  'preferences.erasedTitle': 'Vos données sont effacées',
  'preferences.erasedText':
    '{publication} ne conserve plus votre adresse ni vos choix. Vous ne recevrez plus d’e-mails de notre part.',
  'preferences.goneTitle': 'Cet abonnement n’existe plus',
  'preferences.goneText':
    'Il a été effacé, ou l’adresse n’a jamais été confirmée. Vous pouvez vous réabonner à tout moment.',
  'preferences.notSubscribed':
    'Cet abonnement a pris fin : il n’y a pas de thèmes à choisir. Réabonnez-vous pour les choisir.',
  'preferences.subscribeAgain': 'Se réabonner',
  'preferences.proofTitle': 'Ce lien vient d’une épreuve',
  'preferences.proofText':
    'Ce message était une épreuve d’un éditorial de {publication}, envoyée à la rédaction avant la diffusion : ce lien ne change donc rien. Dans les exemplaires des abonnés, le même lien ouvre les préférences de leur abonnement : thèmes, désabonnement et leurs données.',

  'welcome.subject': 'Bienvenue dans {publication}',
  'welcome.intro': 'Votre abonnement à {publication} est confirmé. Bienvenue.',
  'welcome.everyTopic': 'Vous recevrez tous les éditoriaux, sur tous les thèmes.',
  'welcome.someTopics': 'Vous recevrez les éditoriaux sur\u00a0: {topics}.',
  'welcome.change': 'Changer vos thèmes, télécharger vos données ou vous désabonner',
  'welcome.textChange': 'Changer vos thèmes, télécharger vos données ou vous désabonner\u00a0: {url}',
  'digest.titleDaily': '{publication}\u00a0: votre résumé quotidien',
  'digest.titleWeekly': '{publication}\u00a0: votre résumé hebdomadaire',
  'digest.subjectDaily': 'Résumé quotidien de {publication}\u00a0: {date}',
  'digest.subjectWeekly': 'Résumé hebdomadaire de {publication}\u00a0: {date}',
  'digest.period': 'Éditoriaux publiés entre le {start} et le {end}',
  'digest.sources': { one: '{count} source citée', other: '{count} sources citées' },
  'digest.corrected': 'Corrigé\u00a0:',
  'digest.more': { one: '{count} autre éditorial sur le site', other: '{count} autres éditoriaux sur le site' },
  'digest.textMore': {
    one: '{count} autre éditorial sur le site\u00a0: {url}',
    other: '{count} autres éditoriaux sur le site\u00a0: {url}',
  },
};
