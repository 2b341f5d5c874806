import type { Catalogue } from './types.ts';

/** German, in the formal address (Sie) a newspaper uses with its readers. */
export const de: Catalogue = {
  'article.provenanceHeading': 'Quellen der Meldung',
  'article.correction': 'Korrektur:',
  'article.withdrawnLabel': 'Zurückgezogen.',
  'article.withdrawnNotice':
    '{publication} hat diesen Leitartikel zurückgezogen; sein Text wird nicht mehr veröffentlicht.',
  'article.withdrawn': '{publication} hat diesen Leitartikel zurückgezogen.',

  'page.byline': 'Von {author}',
  'page.updated': 'Aktualisiert am {date}',
  'page.feedTitle': '{scope} ({format}-Feed)',

  'subscribe.heading': '{publication} per E-Mail erhalten',
  'subscribe.emailLabel': 'E-Mail-Adresse',
  'subscribe.button': 'Abonnieren',

  'listing.archive': '{publication}: Archiv, Seite {page}',
  'listing.topic': '{publication}: {topic}',
  'listing.topicArchive': '{publication}: {topic}, Archivseite {page}',
  'listing.newer': 'Neuere',
  'listing.older': 'Ältere',
  'listing.pagination': 'Weitere Leitartikel',
  'listing.empty': 'Hier sind noch keine Leitartikel erschienen.',

  'email.viewInBrowser': 'Im Browser ansehen',
  'email.unsubscribe': 'Abbestellen oder Themen ändern',
  'email.why': 'Sie erhalten {publication}, weil Sie den Newsletter abonniert haben.',
  'email.continueReading': 'Weiterlesen',
  'email.textViewInBrowser': 'Im Browser ansehen: {url}',
  'email.textUnsubscribe': 'Abbestellen oder Themen ändern: {url}',
  'email.textContinueReading': 'Weiterlesen: {url}',
  'email.mimePreamble': 'Dies ist eine mehrteilige Nachricht im MIME-Format.',

  'confirmation.subject': 'Bitte bestätigen Sie Ihr Abonnement von {publication}',
  'confirmation.intro': 'Bitte bestätigen Sie, dass Sie {publication} per E-Mail erhalten möchten.',
  'confirmation.button': 'Abonnement bestätigen',
  'confirmation.textLink': 'Abonnement bestätigen:',
  'confirmation.orOpen': 'Oder öffnen Sie diesen Link: {link}',
  'confirmation.expiry': {
    one: 'Der Link ist {count} Tag lang gültig. Wenn Sie das nicht angefordert haben, ignorieren Sie diese Nachricht: Sie werden nicht angemeldet und hören nichts mehr von uns.',
    other:
      'Der Link ist {count} Tage lang gültig. Wenn Sie das nicht angefordert haben, ignorieren Sie diese Nachricht: Sie werden nicht angemeldet und hören nichts mehr von uns.',
  },

  'notice.notAvailableTitle': 'Nicht verfügbar',
  'notice.notAvailable': 'Diese Adresse nimmt nur die Formulare auf unseren Seiten entgegen.',
  'notice.tooLargeTitle': 'Zu viele Daten',
  'notice.tooLarge': 'Das Formular hat mehr gesendet als vorgesehen. Bitte versuchen Sie es erneut.',
  'notice.failedTitle': 'Etwas ist schiefgegangen',
  'notice.failed':
    'Das ließ sich gerade nicht abschließen. Es ist nichts verloren: Bitte versuchen Sie es in einer Minute erneut.',
  'notice.badAddressTitle': 'Diese Adresse scheint nicht zu stimmen',
  'notice.badAddressHint':
    'Bitte prüfen Sie sie und versuchen Sie es erneut; eine Adresse sieht so aus: name@example.org.',
  'notice.checkInboxTitle': 'Bitte sehen Sie in Ihr Postfach',
  'notice.checkInboxSent':
    'Wir haben einen Bestätigungslink an die angegebene Adresse geschickt, sofern sie nicht bereits angemeldet ist.',
  'notice.checkInboxOpen': {
    one: 'Öffnen Sie den Link in dieser E-Mail, um {publication} zu erhalten. Er ist {count} Tag lang gültig; bis dahin erhalten Sie nichts anderes von uns.',
    other:
      'Öffnen Sie den Link in dieser E-Mail, um {publication} zu erhalten. Er ist {count} Tage lang gültig; bis dahin erhalten Sie nichts anderes von uns.',
  },
  'notice.checkInboxSpam':
    'Nach ein paar Minuten noch nichts da? Sehen Sie im Spam-Ordner nach oder melden Sie sich erneut an.',
  'notice.backTo': 'Zurück zu {publication}',
  'notice.badConfirmTitle': 'Dieser Bestätigungslink funktioniert nicht',
  'notice.badConfirmExpired': {
    one: 'Er ist abgelaufen: Bestätigungslinks sind {count} Tag lang gültig.',
    other: 'Er ist abgelaufen: Bestätigungslinks sind {count} Tage lang gültig.',
  },
  'notice.badConfirmInvalid':
    'Er ist unvollständig oder wurde verändert. Prüfen Sie, ob Sie den ganzen Link aus der E-Mail geöffnet haben.',
  'notice.badConfirmNotPending': 'Er gehört zu einem Abonnement, das inzwischen gekündigt wurde.',
  'notice.badConfirmAgain':
    'Um sich anzumelden, geben Sie Ihre Adresse erneut ein; wir schicken Ihnen dann einen neuen Link.',
  'notice.subscribeAgain': 'Erneut abonnieren',
  'notice.confirmTitle': 'Abonnement bestätigen',
  'notice.confirmText': 'Drücken Sie die Schaltfläche, um {publication} per E-Mail zu erhalten.',
  'notice.confirmButton': 'Abonnement bestätigen',
  'notice.subscribedTitle': 'Sie sind angemeldet',
  'notice.subscribedAlready': 'Sie hatten {publication} bereits abonniert.',
  'notice.subscribedThanks': 'Vielen Dank: {publication} kommt ab der nächsten Ausgabe in Ihr Postfach.',
  'notice.subscribedLeave': 'Jede E-Mail enthält unten einen Link, mit dem Sie sich sofort abmelden können.',
  'notice.read': '{publication} lesen',
  'notice.badUnsubscribeTitle': 'Dieser Abmeldelink funktioniert nicht',
  'notice.badUnsubscribe':
    'Er ist unvollständig oder wurde verändert. Öffnen Sie den ganzen Link unten in einer unserer E-Mails.',
  'notice.badUnsubscribeWrite': 'Oder schreiben Sie an {address}, dann nehmen wir Sie aus der Liste.',
  'notice.badUnsubscribeReply': 'Oder antworten Sie auf eine unserer E-Mails, dann nehmen wir Sie aus der Liste.',
  'notice.writeTo': 'An {address} schreiben',
  'notice.unsubscribeTitle': '{publication} abbestellen',
  'notice.unsubscribeText': 'Drücken Sie die Schaltfläche, und Sie erhalten keine E-Mails von {publication} mehr.',
  'notice.unsubscribeButton': 'Abbestellen',
  'notice.unsubscribedTitle': 'Sie sind abgemeldet',
  'notice.unsubscribed': 'Sie erhalten keine E-Mails von {publication} mehr.',
  'notice.unsubscribedAgain': 'Haben Sie es sich anders überlegt? Sie können sich jederzeit wieder anmelden.',
  'guard.crossSiteTitle': 'Von einer anderen Website nicht angenommen',
  'guard.crossSite':
    'Dieses Formular nimmt nur an, was von unseren eigenen Seiten gesendet wird. Öffnen Sie unsere Website und verwenden Sie das Formular dort.',
  'guard.tooManyTitle': 'Zu viele Anfragen',
  'guard.tooMany':
    'Über diese Verbindung wurde das Formular in der letzten Minute zu oft gesendet. Bitte warten Sie eine Minute und versuchen Sie es dann erneut.',

  'address.empty': 'Die Adresse ist leer.',
  'address.space': 'Die Adresse enthält ein Leer- oder Steuerzeichen.',
  'address.oneAt': 'Die Adresse muss genau ein @ enthalten.',
  'address.local': 'Der Teil vor dem @ ist kein gültiger Postfachname.',
  'address.domain': 'Der Teil nach dem @ ist kein gültiger Domainname.',
  'address.tooLong': 'Die Adresse ist länger als {max} Zeichen.',
  'address.invalid': 'Diese E-Mail-Adresse ist nicht verwendbar.',

  'ninjs.webPage': 'Webseite',
  'ninjs.self': 'Dieses ninjs-Dokument',

  'preferences.title': 'Ihr Abonnement',
  'preferences.intro':
    'Diese Seite gehört zum Abonnement von {email} für {publication}. Wer diesen Link hat, kann es ändern. Leiten Sie ihn deshalb nicht weiter.',
  'preferences.topicsHeading': 'Themen',
  'preferences.topicsLegend': 'Schicken Sie mir Leitartikel zu',
  'preferences.saveTopics': 'Themen speichern',
  'preferences.saved': 'Ihre Themen sind gespeichert. Die nächsten Leitartikel folgen Ihrer Auswahl.',
  'preferences.noTopic': 'Wählen Sie mindestens ein Thema oder bestellen Sie unten ab.',
  'preferences.unsubscribeHeading': 'Abbestellen',
  'preferences.unsubscribeText': 'Keine E-Mails mehr von {publication}. Sie können jederzeit wieder abonnieren.',
  'preferences.unsubscribeButton': 'Abbestellen',
  'preferences.dataHeading': 'Ihre Daten',
  'preferences.dataText': 'Laden Sie alles, was {publication} über Ihr Abonnement speichert, als JSON-Datei herunter.',
  'preferences.exportButton': 'Meine Daten herunterladen',
  'preferences.eraseText':
    'Löschen Sie Ihr Abonnement und alles, was dazu gespeichert ist. Das lässt sich nicht rückgängig machen.',
  'preferences.eraseConfirm': 'Ich möchte, dass meine Daten gelöscht werden',
  'preferences.eraseButton': 'Meine Daten löschen',
  'cadence.legend': 'Wie oft sollen wir Ihnen schreiben?',
  'cadence.each': 'Jeden Leitartikel, sobald er erscheint',
  'cadence.daily': 'Eine tägliche Zusammenfassung',
  'cadence.weekly': 'Eine wöchentliche Zusammenfassung',
  'cadence.heading': 'Wie oft Sie E-Mails erhalten',
  'cadence.current': 'Ihre Wahl zurzeit: {cadence}.',
  'cadence.save': 'Häufigkeit speichern',
  'cadence.saved':
    'Ihre Wahl ist gespeichert. Sie gilt für Leitartikel, die ab jetzt erscheinen; früher erschienene folgen Ihrer bisherigen Wahl.',
  'cadence.notSubscribed':
    'Dieses Abonnement ist beendet, es gibt also nichts zu ändern. Abonnieren Sie erneut, um zu wählen, wie oft Sie E-Mails erhalten.',
  'cadence.refusedTitle': 'Diese Auswahl wird nicht angeboten',
  'cadence.refused': '{publication} bietet diese Häufigkeit nicht an. Wählen Sie eine der Möglichkeiten unten.',
  'preferences.erasedTitle': 'Ihre Daten sind gelöscht',
  'preferences.erasedText':
    '{publication} speichert weder Ihre Adresse noch Ihre Auswahl. Sie erhalten keine E-Mails mehr von uns.',
  'preferences.goneTitle': 'Dieses Abonnement gibt es nicht mehr',
  'preferences.goneText':
    'Es wurde gelöscht, oder die Adresse wurde nie bestätigt. Sie können jederzeit wieder abonnieren.',
  'preferences.notSubscribed':
    'Dieses Abonnement ist beendet, daher gibt es keine Themen zu wählen. Abonnieren Sie erneut, um sie zu wählen.',
  'preferences.subscribeAgain': 'Wieder abonnieren',
  'preferences.proofTitle': 'Dieser Link stammt aus einem Korrekturabzug',
  'preferences.proofText':
    'Diese E-Mail war ein Korrekturabzug eines Leitartikels von {publication}, den die Redaktion vor dem Versand erhielt; dieser Link ändert deshalb nichts. In den Exemplaren der Abonnenten öffnet derselbe Link die Einstellungen ihres Abonnements: Themen, Abmeldung und ihre Daten.',

  'welcome.subject': 'Willkommen bei {publication}',
  'welcome.intro': 'Ihr Abonnement von {publication} ist bestätigt. Willkommen.',
  'welcome.everyTopic': 'Sie erhalten alle Leitartikel zu allen Themen.',
  'welcome.someTopics': 'Sie erhalten die Leitartikel zu: {topics}.',
  'welcome.change': 'Themen ändern, Ihre Daten herunterladen oder abbestellen',
  'welcome.textChange': 'Themen ändern, Ihre Daten herunterladen oder abbestellen: {url}',
  'digest.titleDaily': '{publication}: Ihre tägliche Übersicht',
  'digest.titleWeekly': '{publication}: Ihre wöchentliche Übersicht',
  'digest.subjectDaily': '{publication}, Tagesübersicht: {date}',
  'digest.subjectWeekly': '{publication}, Wochenübersicht: {date}',
  'digest.period': 'Leitartikel, erschienen zwischen {start} und {end}',
  'digest.sources': { one: '{count} Quelle', other: '{count} Quellen' },
  'digest.corrected': 'Korrigiert:',
  'digest.more': {
    one: '{count} weiterer Leitartikel auf der Website',
    other: '{count} weitere Leitartikel auf der Website',
  },
  'digest.textMore': {
    one: '{count} weiterer Leitartikel auf der Website: {url}',
    other: '{count} weitere Leitartikel auf der Website: {url}',
  },
};
