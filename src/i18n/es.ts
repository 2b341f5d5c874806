import type { Catalogue } from './types.ts';

/** Spanish, addressing the reader as usted, as a newspaper does. */
export const es: Catalogue = {
  'article.provenanceHeading': 'Fuentes de la información',
  'article.correction': 'Fe de erratas:',
  'article.withdrawnLabel': 'Retirado.',
  'article.withdrawnNotice': '{publication} ha retirado este editorial; su texto ya no se publica.',
  'article.withdrawn': '{publication} ha retirado este editorial.',

  'page.byline': 'Por {author}',
  'page.updated': 'Actualizado el {date}',
  'page.feedTitle': '{scope} (canal {format})',

  'subscribe.heading': 'Reciba {publication} por correo electrónico',
  'subscribe.emailLabel': 'Correo electrónico',
  'subscribe.button': 'Suscribirse',

  'listing.archive': '{publication}: archivo, página {page}',
  'listing.topic': '{publication}: {topic}',
  'listing.topicArchive': '{publication}: {topic}, página de archivo {page}',
  'listing.newer': 'Más recientes',
  'listing.older': 'Anteriores',
  'listing.pagination': 'Más editoriales',
  'listing.empty': 'Todavía no se ha publicado ningún editorial aquí.',

  'email.viewInBrowser': 'Ver en el navegador',
  'email.unsubscribe': 'Darse de baja o cambiar de temas',
  'email.why': 'Recibe {publication} porque se suscribió.',
  'email.continueReading': 'Seguir leyendo',
  'email.textViewInBrowser': 'Ver en el navegador: {url}',
  'email.textUnsubscribe': 'Darse de baja o cambiar de temas: {url}',
  'email.textContinueReading': 'Seguir leyendo: {url}',
  'email.mimePreamble': 'Este es un mensaje MIME de varias partes.',

  'confirmation.subject': 'Confirme su suscripción a {publication}',
  'confirmation.intro': 'Confirme, por favor, que desea recibir {publication} por correo electrónico.',
  'confirmation.button': 'Confirmar la suscripción',
  'confirmation.textLink': 'Confirme su suscripción:',
  'confirmation.orOpen': 'O abra este enlace: {link}',
  'confirmation.expiry': {
    one: 'El enlace es válido durante {count} día. Si no lo ha solicitado, ignore este mensaje: no quedará suscrito y no volverá a saber de nosotros.',
    other:
      'El enlace es válido durante {count} días. Si no lo ha solicitado, ignore este mensaje: no quedará suscrito y no volverá a saber de nosotros.',
  },

  'notice.notAvailableTitle': 'No disponible',
  'notice.notAvailable': 'Esta dirección solo responde a los formularios de nuestras páginas.',
  'notice.tooLargeTitle': 'Demasiados datos',
  'notice.tooLarge': 'El formulario envió más datos de los debidos. Inténtelo de nuevo.',
  'notice.failedTitle': 'Algo ha fallado',
  'notice.failed':
    'No hemos podido completarlo en este momento. No se ha perdido nada: inténtelo de nuevo dentro de un minuto.',
  'notice.badAddressTitle': 'Esa dirección no parece correcta',
  'notice.badAddressHint': 'Revísela e inténtelo de nuevo; una dirección tiene este aspecto: nombre@example.org.',
  'notice.checkInboxTitle': 'Revise su bandeja de entrada',
  'notice.checkInboxSent':
    'Hemos enviado un enlace de confirmación a la dirección indicada, salvo que ya esté suscrita.',
  'notice.checkInboxOpen': {
    one: 'Abra el enlace de ese mensaje para empezar a recibir {publication}. Es válido durante {count} día; hasta entonces no recibirá nada más de nuestra parte.',
    other:
      'Abra el enlace de ese mensaje para empezar a recibir {publication}. Es válido durante {count} días; hasta entonces no recibirá nada más de nuestra parte.',
  },
  'notice.checkInboxSpam':
    '¿No ha llegado nada al cabo de unos minutos? Mire en la carpeta de correo no deseado o suscríbase de nuevo.',
  'notice.backTo': 'Volver a {publication}',
  'notice.badConfirmTitle': 'Este enlace de confirmación no funciona',
  'notice.badConfirmExpired': {
    one: 'Ha caducado: los enlaces de confirmación son válidos durante {count} día.',
    other: 'Ha caducado: los enlaces de confirmación son válidos durante {count} días.',
  },
  'notice.badConfirmInvalid':
    'Está incompleto o ha sido modificado. Compruebe que abrió el enlace completo del mensaje.',
  'notice.badConfirmNotPending': 'Corresponde a una suscripción que ya fue cancelada.',
  'notice.badConfirmAgain': 'Para suscribirse, escriba de nuevo su dirección y le enviaremos un enlace nuevo.',
  'notice.subscribeAgain': 'Suscribirse de nuevo',
  'notice.confirmTitle': 'Confirme su suscripción',
  'notice.confirmText': 'Pulse el botón para empezar a recibir {publication} por correo electrónico.',
  'notice.confirmButton': 'Confirmar la suscripción',
  'notice.subscribedTitle': 'Ya está suscrito',
  'notice.subscribedAlready': 'Ya estaba suscrito a {publication}.',
  'notice.subscribedThanks': 'Gracias: {publication} llegará a su bandeja de entrada a partir de la próxima edición.',
  'notice.subscribedLeave': 'Cada mensaje incluye al final un enlace para darse de baja al instante.',
  'notice.read': 'Leer {publication}',
  'notice.badUnsubscribeTitle': 'Este enlace para darse de baja no funciona',
  'notice.badUnsubscribe':
    'Está incompleto o ha sido modificado. Abra el enlace completo que figura al final de cualquiera de nuestros mensajes.',
  'notice.badUnsubscribeWrite': 'O escriba a {address} y le daremos de baja de la lista.',
  'notice.badUnsubscribeReply': 'O responda a cualquiera de nuestros mensajes y le daremos de baja de la lista.',
  'notice.writeTo': 'Escribir a {address}',
  'notice.unsubscribeTitle': 'Darse de baja de {publication}',
  'notice.unsubscribeText': 'Pulse el botón y no recibirá más mensajes de {publication}.',
  'notice.unsubscribeButton': 'Darse de baja',
  'notice.unsubscribedTitle': 'Se ha dado de baja',
  'notice.unsubscribed': 'No recibirá más mensajes de {publication}.',
  'notice.unsubscribedAgain': '¿Ha cambiado de opinión? Puede suscribirse de nuevo en cualquier momento.',
  'guard.crossSiteTitle': 'No se acepta desde otro sitio',
  'guard.crossSite':
    'Este formulario solo acepta lo que se envía desde nuestras propias páginas. Abra nuestro sitio y use allí el formulario.',
  'guard.tooManyTitle': 'Demasiadas solicitudes',
  'guard.tooMany':
    'Desde esta conexión se ha enviado el formulario demasiadas veces en el último minuto. Espere un minuto y vuelva a intentarlo.',

  'address.empty': 'La dirección está vacía.',
  'address.space': 'La dirección contiene un espacio o un carácter de control.',
  'address.oneAt': 'La dirección debe contener una sola @.',
  'address.local': 'La parte anterior a la @ no es un nombre de buzón válido.',
  'address.domain': 'La parte posterior a la @ no es un nombre de dominio válido.',
  'address.tooLong': 'La dirección tiene más de {max} caracteres.',
  'address.invalid': 'Esta dirección de correo electrónico no es utilizable.',

  'ninjs.webPage': 'Página web',
  'ninjs.self': 'Este documento ninjs',

  'preferences.title': 'Tu suscripción',
  'preferences.intro':
    'Esta página corresponde a la suscripción de {email} a {publication}. Quien tenga este enlace puede cambiarla, así que no lo reenvíes.',
  'preferences.topicsHeading': 'Temas',
  'preferences.topicsLegend': 'Envíame editoriales sobre',
  'preferences.saveTopics': 'Guardar temas',
  'preferences.saved': 'Tus temas se han guardado. Los próximos editoriales seguirán tu elección.',
  'preferences.noTopic': 'Elige al menos un tema o date de baja más abajo.',
  'preferences.unsubscribeHeading': 'Darse de baja',
  'preferences.unsubscribeText':
    'Dejar de recibir todos los correos de {publication}. Puedes volver a suscribirte cuando quieras.',
  'preferences.unsubscribeButton': 'Darme de baja',
  'preferences.dataHeading': 'Tus datos',
  'preferences.dataText': 'Descarga todo lo que {publication} guarda sobre tu suscripción, en un archivo JSON.',
  'preferences.exportButton': 'Descargar mis datos',
  'preferences.eraseText': 'Borra tu suscripción y todo lo que se guarda sobre ella. No se puede deshacer.',
  'preferences.eraseConfirm': 'Quiero que se borren mis datos',
  'preferences.eraseButton': 'Borrar mis datos',
  'cadence.legend': '¿Con qué frecuencia quieres recibir nuestros correos?',
  'cadence.each': 'Cada editorial en cuanto se publica',
  'cadence.daily': 'Un resumen diario',
  'cadence.weekly': 'Un resumen semanal',
  'cadence.heading': 'Con qué frecuencia recibes correos',
  'cadence.current': 'Tu elección actual: {cadence}.',
  'cadence.save': 'Guardar frecuencia',
  'cadence.saved':
    'Tu elección se ha guardado. Se aplica a los editoriales que se publiquen a partir de ahora; los publicados antes siguen tu elección anterior.',
  'cadence.notSubscribed':
    'Esta suscripción ha terminado, así que no hay nada que cambiar. Suscríbete de nuevo para elegir con qué frecuencia recibes correos.',
  'cadence.refusedTitle': 'Esa opción no está disponible',
  'cadence.refused': '{publication} no ofrece esa frecuencia de envío. Elige una de las opciones de abajo.',
  'preferences.erasedTitle': 'Tus datos se han borrado',
  'preferences.erasedText':
    '{publication} ya no guarda tu dirección ni tus elecciones. No volverás a recibir correos nuestros.',
  'preferences.goneTitle': 'Esta suscripción ya no existe',
  'preferences.goneText':
    'Se ha borrado, o la dirección nunca se confirmó. Puedes volver a suscribirte cuando quieras.',
  'preferences.notSubscribed':
    'Esta suscripción ha terminado, así que no hay temas que elegir. Vuelve a suscribirte para elegirlos.',
  'preferences.subscribeAgain': 'Volver a suscribirse',
  'preferences.proofTitle': 'Este enlace viene de una prueba',
  'preferences.proofText':
    'Este correo era una prueba de un editorial de {publication}, enviada a la redacción antes del envío, así que este enlace no cambia nada. En las copias de los suscriptores, el mismo enlace abre las preferencias de su suscripción: temas, baja y sus datos.',

  'welcome.subject': 'Te damos la bienvenida a {publication}',
  'welcome.intro': 'Tu suscripción a {publication} está confirmada. Te damos la bienvenida.',
  'welcome.everyTopic': 'Recibirás todos los editoriales, sobre todos los temas.',
  'welcome.someTopics': 'Recibirás los editoriales sobre: {topics}.',
  'welcome.change': 'Cambiar tus temas, descargar tus datos o darte de baja',
  'welcome.textChange': 'Cambiar tus temas, descargar tus datos o darte de baja: {url}',
  'digest.titleDaily': '{publication}: su resumen diario',
  'digest.titleWeekly': '{publication}: su resumen semanal',
  'digest.subjectDaily': 'Resumen diario de {publication}: {date}',
  'digest.subjectWeekly': 'Resumen semanal de {publication}: {date}',
  'digest.period': 'Editoriales publicados entre el {start} y el {end}',
  'digest.sources': { one: '{count} fuente', other: '{count} fuentes' },
  'digest.corrected': 'Corregido:',
  'digest.more': { one: '{count} editorial más en el sitio', other: '{count} editoriales más en el sitio' },
  'digest.textMore': {
    one: '{count} editorial más en el sitio: {url}',
    other: '{count} editoriales más en el sitio: {url}',
  },
};
