import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

/** The interface's languages. User text is never translated: it is shown as written, with dir="auto". */
export type Lang = 'en' | 'ar';
export const LANGS: Lang[] = ['en', 'ar'];

type Entry = { en: string; ar: string };

/** Every label of the interface, in English and Arabic. `{name}` is filled in by t(). */
const STRINGS = {
  appName: { en: 'Conflict incident tracker', ar: 'متتبّع الحوادث' },
  appTagline: { en: 'Incidents from reports, with their sources and history', ar: 'حوادث من التقارير، بمصادرها وسجلّها' },
  navTimeline: { en: 'Timeline', ar: 'الخط الزمني' },
  navRecord: { en: 'Record an incident', ar: 'تسجيل حادثة' },
  languageSwitch: { en: 'العربية', ar: 'English' },
  languageSwitchTitle: { en: 'عرض الواجهة بالعربية', ar: 'Show the interface in English' },
  forgetKey: { en: 'Forget key', ar: 'نسيان المفتاح' },
  signedInAs: { en: 'Key role', ar: 'دور المفتاح' },
  publicAccess: { en: 'Public reading', ar: 'قراءة عامة' },

  // The key
  keyTitle: { en: 'Sign in with an API key', ar: 'الدخول بمفتاح الواجهة البرمجية' },
  keyIntro: {
    en: 'Every request this page makes carries your key. Ask an administrator for one; its role decides what you can see and do.',
    ar: 'يُرسَل مفتاحك مع كل طلب تجريه هذه الصفحة. اطلب مفتاحاً من المسؤول؛ فدوره يحدّد ما يمكنك رؤيته وفعله.',
  },
  keyLabel: { en: 'API key', ar: 'المفتاح' },
  keyRemember: { en: 'Remember on this device', ar: 'تذكّر المفتاح على هذا الجهاز' },
  keyRememberHint: {
    en: 'Otherwise the key is forgotten when this tab is closed.',
    ar: 'وإلا يُنسى المفتاح عند إغلاق هذه النافذة.',
  },
  keySubmit: { en: 'Continue', ar: 'متابعة' },
  keyChecking: { en: 'Checking the key…', ar: 'جارٍ التحقق من المفتاح…' },
  keyInvalid: { en: 'This key is unknown or revoked.', ar: 'هذا المفتاح غير معروف أو أُلغي.' },
  keyExpired: { en: 'The key stopped working. Enter a key to go on.', ar: 'توقف المفتاح عن العمل. أدخل مفتاحاً للمتابعة.' },
  keyNoPublic: { en: 'Continue without a key', ar: 'المتابعة دون مفتاح' },
  keyServerDown: { en: 'The service does not answer. Try again in a moment.', ar: 'الخدمة لا تستجيب. حاول بعد قليل.' },

  // Timeline filters
  filters: { en: 'Filters', ar: 'عوامل التصفية' },
  filterRegion: { en: 'Region', ar: 'المنطقة' },
  filterRegionAny: { en: 'Anywhere', ar: 'أي مكان' },
  filterRegionAll: { en: 'All of {name}', ar: 'كل {name}' },
  filterActor: { en: 'Actor', ar: 'الفاعل' },
  filterActorPlaceholder: { en: 'Search in Arabic or English', ar: 'ابحث بالعربية أو الإنجليزية' },
  filterActorNone: { en: 'No actor matches', ar: 'لا يوجد فاعل مطابق' },
  filterActorClear: { en: 'Clear actor', ar: 'إزالة الفاعل' },
  filterFrom: { en: 'From', ar: 'من' },
  filterTo: { en: 'To', ar: 'إلى' },
  filterCategory: { en: 'Category', ar: 'الفئة' },
  filterCategoryAny: { en: 'All categories', ar: 'كل الفئات' },
  filterWords: { en: 'Words', ar: 'كلمات' },
  filterWordsPlaceholder: { en: 'Title, place, actor, tag…', ar: 'العنوان، المكان، الفاعل، الوسم…' },
  filterClear: { en: 'Clear all filters', ar: 'إزالة كل عوامل التصفية' },
  filterShare: { en: 'The address holds these filters: copy it to share this view.', ar: 'يحمل العنوان عوامل التصفية هذه: انسخه لمشاركة هذا العرض.' },
  incidentsShown: { en: '{shown} of {count} shown', ar: 'معروض {shown} من {count}' },
  bestEstimate: { en: 'best estimate', ar: 'أفضل تقدير' },
  noIncidents: { en: 'No incident matches these filters.', ar: 'لا توجد حادثة تطابق عوامل التصفية هذه.' },
  loadMore: { en: 'Show more', ar: 'عرض المزيد' },
  loading: { en: 'Loading…', ar: 'جارٍ التحميل…' },
  live: { en: 'Live', ar: 'مباشر' },
  liveTitle: { en: 'New incidents appear here as they are recorded', ar: 'تظهر الحوادث الجديدة هنا فور تسجيلها' },
  liveOff: { en: 'Reconnecting…', ar: 'إعادة الاتصال…' },
  newBadge: { en: 'New', ar: 'جديد' },
  histogramTitle: { en: 'Incidents by month', ar: 'الحوادث حسب الشهر' },
  histogramHint: { en: 'Choose a month to filter to it', ar: 'اختر شهراً للتصفية عليه' },
  mapTitle: { en: 'Map', ar: 'الخريطة' },
  mapHint: {
    en: 'Coordinates where reported, otherwise the centroid of the smallest known unit.',
    ar: 'الإحداثيات حيث وردت، وإلا مركز أصغر وحدة إدارية معروفة.',
  },
  mapNoPlace: { en: 'Not on the map for want of a place: {count}.', ar: 'غير معروضة على الخريطة لعدم وجود موقع: {count}.' },
  mapCredit: { en: 'Borders from Natural Earth (public domain), drawn without tiles.', ar: 'الحدود من Natural Earth (ملكية عامة)، مرسومة دون خرائط مُجزّأة.' },
  weekOf: { en: 'week of {date}', ar: 'أسبوع {date}' },
  dateRange: { en: '{from} – {to}', ar: '{from} – {to}' },
  killedRange: { en: '{low}–{high} killed (best {best})', ar: 'القتلى {low}–{high} (أفضل تقدير {best})' },

  // Incident page
  backToTimeline: { en: 'Back to the timeline', ar: 'العودة إلى الخط الزمني' },
  version: { en: 'Version {version}', ar: 'النسخة {version}' },
  recordedAt: { en: 'Recorded {when}', ar: 'سُجّلت {when}' },
  lastChangedAt: { en: 'last changed {when}', ar: 'آخر تغيير {when}' },
  asOfLabel: { en: 'As of', ar: 'كما كانت في' },
  asOfShow: { en: 'Show', ar: 'عرض' },
  asOfNow: { en: 'Back to now', ar: 'العودة إلى الآن' },
  asOfBanner: { en: 'You are looking at this incident as it stood on {when} (version {version}).', ar: 'تعرض هذه الحادثة كما كانت في {when} (النسخة {version}).' },
  versionBanner: { en: 'You are looking at version {version} of this incident.', ar: 'تعرض النسخة {version} من هذه الحادثة.' },
  pastNoEdit: { en: 'A past view cannot be changed: go back to now to correct it.', ar: 'لا يمكن تغيير عرض سابق: عد إلى الآن لتصحيحه.' },
  asOfTooEarly: { en: 'The incident had not been recorded yet at that time.', ar: 'لم تكن الحادثة قد سُجّلت بعد في ذلك الوقت.' },
  sectionSummary: { en: 'Summary', ar: 'الملخّص' },
  sectionWhen: { en: 'When', ar: 'متى' },
  sectionWhere: { en: 'Where', ar: 'أين' },
  sectionFatalities: { en: 'Fatalities', ar: 'القتلى' },
  sectionActors: { en: 'Actors', ar: 'الفاعلون' },
  sectionSources: { en: 'Sources', ar: 'المصادر' },
  sectionRelated: { en: 'Related incidents', ar: 'حوادث ذات صلة' },
  sectionNotes: { en: 'Notes', ar: 'ملاحظات' },
  sectionTags: { en: 'Tags', ar: 'الوسوم' },
  sectionHistory: { en: 'History', ar: 'السجلّ' },
  sectionTranslations: { en: 'Translations', ar: 'الترجمات' },
  historyForbidden: {
    en: 'Histories are for editors, auditors and administrators: this key may not read them.',
    ar: 'السجلّات متاحة للمحررين والمدققين والمسؤولين: لا يسمح هذا المفتاح بقراءتها.',
  },
  historyBy: { en: 'by {name}', ar: 'بواسطة {name}' },
  historyReason: { en: 'Why', ar: 'السبب' },
  historySource: { en: 'Source', ar: 'المصدر' },
  historyViewVersion: { en: 'See the incident at this version', ar: 'عرض الحادثة في هذه النسخة' },
  historyNoChange: { en: 'No field changed.', ar: 'لم يتغير أي حقل.' },
  removed: { en: 'removed', ar: 'أُزيل' },
  none: { en: 'none', ar: 'لا شيء' },
  unknown: { en: 'Unknown', ar: 'غير معروف' },
  notGraded: { en: 'not graded', ar: 'غير مصنّف' },
  gradingTitle: { en: 'Admiralty grading: source reliability and information credibility', ar: 'تصنيف الأدميرالية: موثوقية المصدر ومصداقية المعلومة' },
  withheld: { en: 'Withheld from this key: {fields}', ar: 'محجوب عن هذا المفتاح: {fields}' },
  publishedOn: { en: 'published {date}', ar: 'نُشر {date}' },
  reporter: { en: 'Reporter', ar: 'المراسل' },
  contact: { en: 'Contact', ar: 'جهة الاتصال' },
  confidential: { en: 'Confidential', ar: 'سرّي' },
  quote: { en: 'Quote', ar: 'اقتباس' },
  affiliation: { en: 'affiliation', ar: 'الانتماء' },
  registryActor: { en: 'Registry', ar: 'السجل' },
  asReported: { en: 'as reported, not linked to the registry', ar: 'كما ورد، غير مرتبط بالسجل' },
  coordinates: { en: 'Coordinates', ar: 'الإحداثيات' },
  placePrecisionLabel: { en: 'Precision', ar: 'الدقة' },
  resolvedBy: { en: 'Resolved by {method}', ar: 'حُدّد عبر {method}' },
  relatedLoading: { en: 'Loading…', ar: 'جارٍ التحميل…' },
  notFound: { en: 'There is no incident with this id.', ar: 'لا توجد حادثة بهذا المعرّف.' },

  // Actions and forms
  actionCorrect: { en: 'Correct', ar: 'تصحيح' },
  actionVerify: { en: 'Verify', ar: 'تحقّق' },
  actionDispute: { en: 'Dispute', ar: 'طعن' },
  actionRetract: { en: 'Retract', ar: 'سحب' },
  formCorrectTitle: { en: 'Correct the incident', ar: 'تصحيح الحادثة' },
  formCorrectIntro: {
    en: 'Change what the record gets wrong. Only the fields you change are sent; the previous values stay in the history.',
    ar: 'غيّر ما هو خاطئ في السجل. تُرسَل الحقول التي تغيّرها فقط، وتبقى القيم السابقة في السجلّ.',
  },
  formVerifyTitle: { en: 'Verify the incident', ar: 'التحقق من الحادثة' },
  formVerifyIntro: { en: 'Verification rests on the incident’s attached sources.', ar: 'يستند التحقق إلى المصادر المرفقة بالحادثة.' },
  formDisputeTitle: { en: 'Dispute the incident', ar: 'الطعن في الحادثة' },
  formDisputeIntro: { en: 'Say why the record is in doubt. Verifying it later resolves the dispute.', ar: 'اذكر سبب الشك في السجل. التحقق لاحقاً يحسم الطعن.' },
  formRetractTitle: { en: 'Retract the incident', ar: 'سحب الحادثة' },
  formRetractIntro: {
    en: 'A retracted incident takes no further change and leaves the timeline; its history stays.',
    ar: 'الحادثة المسحوبة لا تقبل أي تغيير لاحق وتخرج من الخط الزمني؛ ويبقى سجلّها.',
  },
  formRecordTitle: { en: 'Record an incident', ar: 'تسجيل حادثة' },
  formRecordIntro: {
    en: 'Record what the report says, in its own language. You can correct it later; nothing is overwritten.',
    ar: 'سجّل ما يقوله التقرير بلغته. يمكنك تصحيحه لاحقاً؛ لا يُستبدل شيء.',
  },
  formReason: { en: 'Reason', ar: 'السبب' },
  formWhy: { en: 'Why, and on what source', ar: 'لماذا، وعلى أي مصدر' },
  formReasonHint: { en: 'Required: it is kept with the change.', ar: 'مطلوب: يُحفظ مع التغيير.' },
  formNote: { en: 'Note', ar: 'ملاحظة' },
  formSourceFor: { en: 'Resting on the source', ar: 'استناداً إلى المصدر' },
  formSourceNone: { en: 'No particular source', ar: 'دون مصدر محدد' },
  formSubmit: { en: 'Save', ar: 'حفظ' },
  formSubmitCorrect: { en: 'Record the correction', ar: 'تسجيل التصحيح' },
  formSubmitVerify: { en: 'Mark verified', ar: 'وضع علامة التحقق' },
  formSubmitDispute: { en: 'Record the dispute', ar: 'تسجيل الطعن' },
  formSubmitRetract: { en: 'Retract the incident', ar: 'سحب الحادثة' },
  formSubmitRecord: { en: 'Record the incident', ar: 'تسجيل الحادثة' },
  formCancel: { en: 'Cancel', ar: 'إلغاء' },
  formSaving: { en: 'Saving…', ar: 'جارٍ الحفظ…' },
  formErrors: { en: 'The service refused the form; nothing was recorded.', ar: 'رفضت الخدمة النموذج؛ لم يُسجَّل شيء.' },
  formStale: {
    en: 'Someone changed the incident since you opened this form (it is now at version {version}). Reload it, then make your change again.',
    ar: 'غيّر أحدهم الحادثة منذ فتحت هذا النموذج (أصبحت في النسخة {version}). أعد تحميلها ثم أعد تغييرك.',
  },
  formReload: { en: 'Reload the incident', ar: 'إعادة تحميل الحادثة' },
  formNothingChanged: { en: 'Change at least one field.', ar: 'غيّر حقلاً واحداً على الأقل.' },
  formForbidden: { en: 'This key may not do this.', ar: 'لا يسمح هذا المفتاح بهذا الإجراء.' },
  formVerifySources: { en: 'Sources it rests on', ar: 'المصادر التي يستند إليها' },
  fieldCategory: { en: 'Category', ar: 'الفئة' },
  fieldTitle: { en: 'Title, as reported', ar: 'العنوان كما ورد' },
  fieldLanguage: { en: 'Language', ar: 'اللغة' },
  fieldTitleEn: { en: 'English title', ar: 'العنوان بالإنجليزية' },
  fieldSummary: { en: 'Summary', ar: 'الملخّص' },
  fieldOccurredFrom: { en: 'Occurred from', ar: 'وقعت من' },
  fieldOccurredTo: { en: 'to (optional)', ar: 'إلى (اختياري)' },
  fieldPrecision: { en: 'Precision', ar: 'الدقة' },
  fieldDateNote: { en: 'How the date was worked out', ar: 'كيف حُدّد التاريخ' },
  fieldPlaceName: { en: 'Place, as reported', ar: 'المكان كما ورد' },
  fieldCountry: { en: 'Country code', ar: 'رمز البلد' },
  fieldAdmin1: { en: 'Governorate p-code', ar: 'رمز المحافظة' },
  fieldAdmin2: { en: 'District p-code', ar: 'رمز المنطقة' },
  fieldAdmin3: { en: 'Subdistrict p-code', ar: 'رمز الناحية' },
  fieldLatitude: { en: 'Latitude', ar: 'خط العرض' },
  fieldLongitude: { en: 'Longitude', ar: 'خط الطول' },
  fieldPlacePrecision: { en: 'Place precision', ar: 'دقة المكان' },
  fieldActors: { en: 'Actors', ar: 'الفاعلون' },
  fieldActorName: { en: 'Name, as reported', ar: 'الاسم كما ورد' },
  fieldActorRole: { en: 'Role', ar: 'الدور' },
  fieldAddActor: { en: 'Add an actor', ar: 'إضافة فاعل' },
  fieldRemove: { en: 'Remove', ar: 'إزالة' },
  fieldFatalities: { en: 'Fatalities (leave empty if unknown)', ar: 'القتلى (اتركه فارغاً إن كان غير معروف)' },
  fieldLow: { en: 'Low', ar: 'الأدنى' },
  fieldBest: { en: 'Best', ar: 'الأرجح' },
  fieldHigh: { en: 'High', ar: 'الأعلى' },
  fieldSource: { en: 'Source', ar: 'المصدر' },
  fieldOutlet: { en: 'Outlet', ar: 'الوسيلة الإعلامية' },
  fieldReporter: { en: 'Reporter', ar: 'المراسل' },
  fieldUrl: { en: 'Address (URL)', ar: 'الرابط' },
  fieldContact: { en: 'Contact', ar: 'جهة الاتصال' },
  fieldConfidential: { en: 'Confidential source', ar: 'مصدر سرّي' },
  fieldConfidentialHint: {
    en: 'Its reporter, contact, address and quote are shown only to editors, auditors, admins and you.',
    ar: 'لا يظهر مراسله وجهة اتصاله ورابطه واقتباسه إلا للمحررين والمدققين والمشرفين ولك.',
  },
  fieldPublishedOn: { en: 'Published on', ar: 'تاريخ النشر' },
  fieldAccess: { en: 'Access', ar: 'الوصول' },
  fieldReliability: { en: 'Source reliability', ar: 'موثوقية المصدر' },
  fieldCredibility: { en: 'Information credibility', ar: 'مصداقية المعلومة' },
  fieldTags: { en: 'Tags (comma-separated)', ar: 'الوسوم (مفصولة بفواصل)' },
  fieldNotes: { en: 'Notes', ar: 'ملاحظات' },
  fieldNotGraded: { en: 'Not graded', ar: 'غير مصنّف' },
  fieldChoose: { en: 'Choose…', ar: 'اختر…' },
  fieldPlaceFromRegion: { en: 'Fill the p-codes from the gazetteer', ar: 'ملء الرموز من المعجم الجغرافي' },
  recordedToast: { en: 'Recorded as version {version}.', ar: 'سُجّلت بوصفها النسخة {version}.' },

  // Errors
  errorGeneric: { en: 'Something went wrong: {detail}', ar: 'حدث خطأ: {detail}' },
  errorForbidden: { en: 'This key’s role ({role}) may not do this.', ar: 'دور هذا المفتاح ({role}) لا يسمح بذلك.' },
  errorRateLimited: { en: 'Too many requests: wait a moment and try again.', ar: 'طلبات كثيرة: انتظر قليلاً ثم حاول مجدداً.' },
  retry: { en: 'Try again', ar: 'إعادة المحاولة' },
} satisfies Record<string, Entry>;

export type StringKey = keyof typeof STRINGS;

type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };
/** Counted phrases: Arabic has six plural forms (Intl.PluralRules names them). */
const PLURALS = {
  incidents: {
    en: { one: '1 incident', other: '{count} incidents' },
    ar: { zero: 'لا حوادث', one: 'حادثة واحدة', two: 'حادثتان', few: '{count} حوادث', many: '{count} حادثة', other: '{count} حادثة' },
  },
  killed: {
    en: { other: '{count} killed' },
    ar: { zero: 'لا قتلى', one: 'قتيل واحد', two: 'قتيلان', few: '{count} قتلى', many: '{count} قتيلاً', other: '{count} قتيل' },
  },
  fieldsSet: {
    en: { one: '1 field set', other: '{count} fields set' },
    ar: { zero: 'لم يُعيَّن أي حقل', one: 'عُيّن حقل واحد', two: 'عُيّن حقلان', few: 'عُيّنت {count} حقول', many: 'عُيّن {count} حقلاً', other: 'عُيّن {count} حقل' },
  },
} satisfies Record<string, Record<Lang, PluralForms>>;
export type PluralKey = keyof typeof PLURALS;

const CATEGORY_AR: Record<string, string> = {
  assassination: 'اغتيال',
  attack_on_civilians: 'هجوم على مدنيين',
  abduction: 'اختطاف أو إخفاء قسري',
  armed_clash: 'اشتباك مسلح',
  air_or_drone_strike: 'غارة جوية أو بطائرة مسيّرة',
  shelling_artillery_missile: 'قصف مدفعي أو صاروخي',
  remote_explosive: 'عبوة ناسفة أو لغم',
  suicide_bomb: 'تفجير انتحاري',
  territory_taken: 'سيطرة جهة غير حكومية على منطقة',
  territory_regained: 'استعادة الحكومة لمنطقة',
  non_violent_territory_transfer: 'انتقال السيطرة دون قتال',
  arrest: 'اعتقال',
  agreement: 'اتفاق',
  protest: 'احتجاج سلمي',
  riot: 'شغب',
  statement: 'تصريح',
  accusation: 'اتهام',
  demand: 'مطالبة',
  appeal: 'مناشدة',
  meeting: 'اجتماع',
  threat: 'تهديد',
  other: 'أخرى',
};

/** The API's codes, labelled. Categories' English labels come from the service's taxonomy. */
const CODES: Record<string, Record<string, Entry>> = {
  role: {
    perpetrator: { en: 'Perpetrator', ar: 'الفاعل' },
    target: { en: 'Target', ar: 'المستهدَف' },
    victim: { en: 'Victim', ar: 'الضحية' },
    speaker: { en: 'Speaker', ar: 'المتحدث' },
    on_behalf_of: { en: 'On behalf of', ar: 'نيابةً عن' },
    accuser: { en: 'Accuser', ar: 'المتّهِم' },
    accused: { en: 'Accused', ar: 'المتّهَم' },
    addressee: { en: 'Addressee', ar: 'المخاطَب' },
    participant: { en: 'Participant', ar: 'مشارك' },
  },
  status: {
    unverified: { en: 'Unverified', ar: 'غير مؤكَّدة' },
    verified: { en: 'Verified', ar: 'مؤكَّدة' },
    disputed: { en: 'Disputed', ar: 'مطعون فيها' },
    retracted: { en: 'Retracted', ar: 'مسحوبة' },
  },
  precision: {
    day: { en: 'day', ar: 'يوم' },
    week: { en: 'week', ar: 'أسبوع' },
    month: { en: 'month', ar: 'شهر' },
    year: { en: 'year', ar: 'سنة' },
  },
  placePrecision: {
    point: { en: 'point', ar: 'نقطة' },
    locality: { en: 'locality', ar: 'البلدة' },
    district: { en: 'district', ar: 'المنطقة' },
    governorate: { en: 'governorate', ar: 'المحافظة' },
    country: { en: 'country', ar: 'البلد' },
    region: { en: 'region', ar: 'الإقليم' },
  },
  access: {
    first_hand: { en: 'First-hand', ar: 'مباشر' },
    relayed: { en: 'Relayed', ar: 'منقول' },
  },
  reliability: {
    A: { en: 'A · completely reliable', ar: 'A · موثوق تماماً' },
    B: { en: 'B · usually reliable', ar: 'B · موثوق عادةً' },
    C: { en: 'C · fairly reliable', ar: 'C · موثوق إلى حد ما' },
    D: { en: 'D · not usually reliable', ar: 'D · غير موثوق عادةً' },
    E: { en: 'E · unreliable', ar: 'E · غير موثوق' },
    F: { en: 'F · cannot be judged', ar: 'F · لا يمكن الحكم عليه' },
  },
  credibility: {
    '1': { en: '1 · confirmed', ar: '1 · مؤكَّدة' },
    '2': { en: '2 · probably true', ar: '2 · صحيحة على الأرجح' },
    '3': { en: '3 · possibly true', ar: '3 · ربما صحيحة' },
    '4': { en: '4 · doubtful', ar: '4 · مشكوك فيها' },
    '5': { en: '5 · improbable', ar: '5 · مستبعَدة' },
    '6': { en: '6 · cannot be judged', ar: '6 · لا يمكن الحكم عليها' },
  },
  relation: {
    refers_to: { en: 'Refers to', ar: 'يشير إلى' },
    responds_to: { en: 'Responds to', ar: 'ردّ على' },
    part_of: { en: 'Part of', ar: 'جزء من' },
    duplicate_of: { en: 'Duplicate of', ar: 'مكرَّر لـ' },
  },
  event: {
    'incident.recorded': { en: 'Recorded', ar: 'سُجّلت' },
    'incident.corrected': { en: 'Corrected', ar: 'صُحّحت' },
    'incident.fatalities_revised': { en: 'Fatalities revised', ar: 'عُدّلت حصيلة القتلى' },
    'incident.source_attached': { en: 'Source attached', ar: 'أُرفق مصدر' },
    'incident.actor_added': { en: 'Actor added', ar: 'أُضيف فاعل' },
    'incident.actor_removed': { en: 'Actor removed', ar: 'أُزيل فاعل' },
    'incident.actor_identified': { en: 'Actor identified', ar: 'حُدّدت هوية فاعل' },
    'incident.linked': { en: 'Linked', ar: 'رُبطت بحادثة' },
    'incident.verified': { en: 'Verified', ar: 'تُحقّق منها' },
    'incident.disputed': { en: 'Disputed', ar: 'طُعن فيها' },
    'incident.retracted': { en: 'Retracted', ar: 'سُحبت' },
  },
  field: {
    category: { en: 'Category', ar: 'الفئة' },
    title: { en: 'Title', ar: 'العنوان' },
    summary: { en: 'Summary', ar: 'الملخّص' },
    translations: { en: 'Translations', ar: 'الترجمات' },
    occurred: { en: 'When', ar: 'متى' },
    place: { en: 'Where', ar: 'أين' },
    actors: { en: 'Actors', ar: 'الفاعلون' },
    fatalities: { en: 'Fatalities', ar: 'القتلى' },
    sources: { en: 'Sources', ar: 'المصادر' },
    related: { en: 'Related', ar: 'ذات صلة' },
    tags: { en: 'Tags', ar: 'الوسوم' },
    notes: { en: 'Notes', ar: 'ملاحظات' },
    status: { en: 'Status', ar: 'الحالة' },
    externalIds: { en: 'External ids', ar: 'معرّفات خارجية' },
    id: { en: 'Id', ar: 'المعرّف' },
    verification: { en: 'Verification', ar: 'التحقق' },
    dispute: { en: 'Dispute', ar: 'الطعن' },
    retraction: { en: 'Retraction', ar: 'السحب' },
  },
  subfield: {
    text: { en: 'text', ar: 'النص' },
    language: { en: 'language', ar: 'اللغة' },
    from: { en: 'from', ar: 'من' },
    to: { en: 'to', ar: 'إلى' },
    precision: { en: 'precision', ar: 'الدقة' },
    note: { en: 'note', ar: 'ملاحظة' },
    name: { en: 'name', ar: 'الاسم' },
    countryCode: { en: 'country', ar: 'البلد' },
    admin1: { en: 'governorate', ar: 'المحافظة' },
    admin2: { en: 'district', ar: 'المنطقة' },
    admin3: { en: 'subdistrict', ar: 'الناحية' },
    latitude: { en: 'latitude', ar: 'خط العرض' },
    longitude: { en: 'longitude', ar: 'خط الطول' },
    low: { en: 'low', ar: 'الأدنى' },
    best: { en: 'best', ar: 'الأرجح' },
    high: { en: 'high', ar: 'الأعلى' },
    role: { en: 'role', ar: 'الدور' },
    affiliation: { en: 'affiliation', ar: 'الانتماء' },
    relation: { en: 'relation', ar: 'العلاقة' },
    incidentId: { en: 'incident', ar: 'الحادثة' },
    outlet: { en: 'outlet', ar: 'الوسيلة' },
    reporter: { en: 'reporter', ar: 'المراسل' },
    contact: { en: 'contact', ar: 'جهة الاتصال' },
    url: { en: 'address', ar: 'الرابط' },
    quote: { en: 'quote', ar: 'الاقتباس' },
    quoteTranslations: { en: 'quote translations', ar: 'ترجمات الاقتباس' },
    reason: { en: 'reason', ar: 'السبب' },
    resolution: { en: 'resolution', ar: 'التحديد' },
    sourceIds: { en: 'sources', ar: 'المصادر' },
    title: { en: 'title', ar: 'العنوان' },
    summary: { en: 'summary', ar: 'الملخّص' },
  },
  userRole: {
    viewer: { en: 'viewer', ar: 'مشاهد' },
    reporter: { en: 'reporter', ar: 'مراسل' },
    editor: { en: 'editor', ar: 'محرر' },
    auditor: { en: 'auditor', ar: 'مدقق' },
    admin: { en: 'administrator', ar: 'مسؤول' },
  },
};

export type CodeKind = keyof typeof CODES | 'category';

export interface I18n {
  lang: Lang;
  dir: 'ltr' | 'rtl';
  t(key: StringKey, values?: Record<string, string | number>): string;
  /** A counted phrase in the language's plural form for this count. */
  plural(key: PluralKey, count: number): string;
  /** A code of the API (a category, a role, a status…) in the interface's language; unknown codes as they are. */
  code(kind: CodeKind, value: string | number | undefined | null): string;
  /** Numbers written for the interface's language. */
  num(value: number): string;
  locale: string;
}

/** Western digits in both languages, as the dates and p-codes the data holds are written. */
export const LOCALES: Record<Lang, string> = { en: 'en-GB', ar: 'ar-u-nu-latn' };

export function makeI18n(lang: Lang, categoryLabels: Record<string, string>): I18n {
  const numbers = new Intl.NumberFormat(LOCALES[lang]);
  const rules = new Intl.PluralRules(lang);
  return {
    lang,
    dir: lang === 'ar' ? 'rtl' : 'ltr',
    locale: LOCALES[lang],
    t(key, values) {
      let text = STRINGS[key][lang];
      if (values) for (const [name, value] of Object.entries(values)) text = text.split(`{${name}}`).join(String(value));
      return text;
    },
    plural(key, count) {
      const forms: PluralForms = PLURALS[key][lang];
      return (forms[rules.select(count)] ?? forms.other).split('{count}').join(numbers.format(count));
    },
    code(kind, value) {
      if (value === undefined || value === null || value === '') return '';
      const key = String(value);
      if (kind === 'category') return (lang === 'ar' ? CATEGORY_AR[key] : categoryLabels[key]) ?? key;
      return CODES[kind]?.[key]?.[lang] ?? key;
    },
    num: (value) => numbers.format(value),
  };
}

export const I18nContext = createContext<I18n>(makeI18n('en', {}));
export const useI18n = () => useContext(I18nContext);

const LANG_STORAGE = 'cit.lang';
export function storedLang(): Lang {
  const stored = safeStorage(() => localStorage.getItem(LANG_STORAGE));
  if (stored === 'en' || stored === 'ar') return stored;
  return navigator.language?.toLowerCase().startsWith('ar') ? 'ar' : 'en';
}
export function storeLang(lang: Lang): void {
  safeStorage(() => localStorage.setItem(LANG_STORAGE, lang));
}

function safeStorage<T>(action: () => T): T | undefined {
  try {
    return action();
  } catch {
    return undefined;
  }
}
