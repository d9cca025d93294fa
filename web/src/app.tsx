import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, can, forgetFetchedData, forgetStoredKey, identify, storedKey, storeKey, setRequestKey, type Session } from './api.js';
import { I18nContext, makeI18n, storedLang, storeLang, useI18n, type Lang, type StringKey } from './i18n.js';
import { IncidentView } from './incident/incident-view.js';
import { CorrectForm, ReasonForm, VerifyForm } from './incident/command-forms.js';
import { RecordForm } from './incident/record-form.js';
import { href, useRoute, type Route } from './router.js';
import { TimelineView } from './timeline/timeline-view.js';
import { CATEGORY_LABELS, SessionContext, Spinner } from './ui.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function App() {
  const [lang, setLang] = useState<Lang>(storedLang);
  const i18n = useMemo(() => makeI18n(lang, CATEGORY_LABELS), [lang]);
  useEffect(() => {
    document.documentElement.lang = lang;
    document.documentElement.dir = i18n.dir;
    document.title = i18n.t('appName');
    storeLang(lang);
  }, [lang]);

  const [session, setSession] = useState<Session | null>(null);
  const [gate, setGate] = useState<{ checking: boolean; message?: StringKey; publicRead?: boolean }>({ checking: true });

  const signOut = useCallback((message?: StringKey) => {
    forgetStoredKey();
    setRequestKey(null, () => {});
    // Nothing read with the forgotten key (titles, places, actors…) may be shown to the next one.
    forgetFetchedData();
    setSession(null);
    setGate({ checking: true, message });
  }, []);

  const enter = useCallback(
    (next: Session) => {
      setRequestKey(next.key, () => signOut('keyExpired'));
      setSession(next);
    },
    [signOut],
  );

  // On start, and after forgetting a key: the stored key, else public reading if the service allows it.
  useEffect(() => {
    if (!gate.checking) return;
    let cancelled = false;
    (async () => {
      const key = storedKey();
      if (key) {
        try {
          const next = await identify(key);
          if (!cancelled) enter(next);
          return;
        } catch (error) {
          if (error instanceof ApiError && error.status === 401) forgetStoredKey();
          else if (!cancelled) return setGate({ checking: false, message: 'keyServerDown' });
        }
      }
      let publicRead = false;
      try {
        await identify(null);
        publicRead = true;
      } catch {
        publicRead = false;
      }
      if (!cancelled) setGate((previous) => ({ checking: false, message: previous.message ?? (key ? 'keyExpired' : undefined), publicRead }));
    })();
    return () => {
      cancelled = true;
    };
  }, [gate.checking]);

  return (
    <I18nContext.Provider value={i18n}>
      <SessionContext.Provider value={session}>
        <Header lang={lang} setLang={setLang} session={session} onForget={() => signOut()} />
        <main class="main" id="main">
          {session ? (
            <Routes />
          ) : gate.checking ? (
            <Spinner />
          ) : (
            <KeyGate message={gate.message} publicRead={gate.publicRead} onEnter={enter} />
          )}
        </main>
      </SessionContext.Provider>
    </I18nContext.Provider>
  );
}

function Header(props: { lang: Lang; setLang: (lang: Lang) => void; session: Session | null; onForget: () => void }) {
  const i18n = useI18n();
  const route = useRoute();
  const { session } = props;
  const onTimeline = route.path === '/timeline' || route.path === '/';
  return (
    <header class="topbar">
      <div class="topbar-inner">
        <a class="brand" href="#/timeline">
          <span class="brand-mark" aria-hidden="true">
            <svg viewBox="0 0 24 24" width="22" height="22">
              <circle cx="12" cy="12" r="10" fill="none" stroke="currentColor" stroke-width="1.6" />
              <circle cx="12" cy="12" r="3.2" fill="currentColor" />
              <path d="M12 2v4M12 18v4M2 12h4M18 12h4" stroke="currentColor" stroke-width="1.6" />
            </svg>
          </span>
          <span class="brand-name">{i18n.t('appName')}</span>
        </a>
        {session && (
          <nav class="nav" aria-label={i18n.t('appName')}>
            <a href="#/timeline" class={onTimeline ? 'nav-link active' : 'nav-link'} aria-current={onTimeline ? 'page' : undefined}>
              {i18n.t('navTimeline')}
            </a>
            {can(session, 'record') && (
              <a href="#/incidents/new" class={route.path === '/incidents/new' ? 'nav-link active' : 'nav-link'} data-testid="nav-record">
                {i18n.t('navRecord')}
              </a>
            )}
          </nav>
        )}
        <div class="topbar-end">
          <button
            type="button"
            class="lang-switch"
            data-testid="lang-switch"
            lang={props.lang === 'en' ? 'ar' : 'en'}
            title={i18n.t('languageSwitchTitle')}
            onClick={() => props.setLang(props.lang === 'en' ? 'ar' : 'en')}
          >
            {i18n.t('languageSwitch')}
          </button>
          {session && (
            <div class="who">
              <span class="role-badge" data-testid="role" data-role={session.role} title={i18n.t('signedInAs')}>
                {session.key ? (session.name ? `${session.name} · ` : '') + i18n.code('userRole', session.role) : i18n.t('publicAccess')}
              </span>
              {session.key && (
                <button type="button" class="link-button" data-testid="forget-key" onClick={props.onForget}>
                  {i18n.t('forgetKey')}
                </button>
              )}
            </div>
          )}
        </div>
      </div>
    </header>
  );
}

function KeyGate(props: { message?: StringKey; publicRead?: boolean; onEnter: (session: Session) => void }) {
  const i18n = useI18n();
  const [key, setKey] = useState('');
  const [remember, setRemember] = useState(false);
  const [checking, setChecking] = useState(false);
  const [message, setMessage] = useState<StringKey | undefined>(props.message);

  const submit = async (event: Event) => {
    event.preventDefault();
    const value = key.trim();
    if (!value) return;
    setChecking(true);
    setMessage(undefined);
    try {
      const session = await identify(value);
      storeKey(value, remember);
      props.onEnter(session);
    } catch (error) {
      setMessage(error instanceof ApiError && error.status === 401 ? 'keyInvalid' : 'keyServerDown');
    } finally {
      setChecking(false);
    }
  };

  return (
    <div class="gate">
      <form class="card gate-card" onSubmit={submit} data-testid="key-form">
        <h1 class="gate-title">{i18n.t('keyTitle')}</h1>
        <p class="muted">{i18n.t('keyIntro')}</p>
        {message && (
          <div class="notice notice-error" role="alert">
            {i18n.t(message)}
          </div>
        )}
        <div class="field">
          <label for="api-key">{i18n.t('keyLabel')}</label>
          <input
            id="api-key"
            name="key"
            type="password"
            autocomplete="off"
            spellcheck={false}
            dir="ltr"
            value={key}
            onInput={(event) => setKey(event.currentTarget.value)}
            required
          />
        </div>
        <label class="check">
          <input type="checkbox" checked={remember} onChange={(event) => setRemember(event.currentTarget.checked)} />
          <span>
            {i18n.t('keyRemember')}
            <small class="muted block">{i18n.t('keyRememberHint')}</small>
          </span>
        </label>
        <div class="form-actions">
          <button type="submit" class="button button-primary" disabled={checking}>
            {checking ? i18n.t('keyChecking') : i18n.t('keySubmit')}
          </button>
          {props.publicRead && (
            <button type="button" class="button" onClick={() => void identify(null).then(props.onEnter, () => setMessage('keyServerDown'))}>
              {i18n.t('keyNoPublic')}
            </button>
          )}
        </div>
      </form>
    </div>
  );
}

function Routes() {
  const route: Route = useRoute();
  const parts = route.path.split('/').filter(Boolean);
  if (parts[0] === 'incidents' && parts[1] === 'new' && parts.length === 2) return <RecordForm />;
  if (parts[0] === 'incidents' && parts[1] && UUID.test(parts[1])) {
    const id = parts[1];
    switch (parts[2]) {
      case undefined:
        return <IncidentView id={id} params={route.params} />;
      case 'correct':
        return <CorrectForm id={id} />;
      case 'verify':
        return <VerifyForm id={id} />;
      case 'dispute':
        return <ReasonForm id={id} action="dispute" />;
      case 'retract':
        return <ReasonForm id={id} action="retract" />;
    }
  }
  if (parts.length === 0 || parts[0] === 'timeline') return <TimelineView params={route.params} />;
  return <NotFound />;
}

function NotFound() {
  const i18n = useI18n();
  return (
    <div class="page">
      <p class="notice">{i18n.t('notFound')}</p>
      <a href={href('/timeline')}>{i18n.t('backToTimeline')}</a>
    </div>
  );
}
