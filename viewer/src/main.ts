import "./styles.css";
import { h, replaceChildren } from "./dom.js";
import { comparePage } from "./pages/comparePage.js";
import { errorBox } from "./pages/errorBox.js";
import { listPage } from "./pages/listPage.js";
import { setReady, type Page, type PageContext } from "./pages/page.js";
import { reportsPage } from "./pages/reportsPage.js";
import { runPage } from "./pages/runPage.js";
import { sessionPage } from "./pages/sessionPage.js";
import { sessionHref, sessionIdOf } from "./view/sessionView.js";
import { connectFirebase, type ViewerFirebase } from "./session/firebaseSetup.js";
import { establishSession, signInWithGoogle, signOutOf, type SignInState } from "./session/signIn.js";
import { LOCAL_ADMIN } from "./localAdmin.js";

const root = document.getElementById("app")!;
const who = document.querySelector<HTMLElement>("[data-testid=signed-in-as]")!;
let current: Page | undefined;

/** Renders the page of the current URL, ending the previous page's listeners first. */
function route(firebase: ViewerFirebase): void {
  current?.dispose();
  setReady(undefined);
  window.scrollTo(0, 0);
  let url = new URL(location.href);
  const session = sessionIdOf(url);
  // The hash form of a session's address (`#/session/<id>`) becomes its path.
  if (session !== undefined && url.hash) {
    history.replaceState(null, "", sessionHref(session));
    url = new URL(location.href);
  }
  const context: PageContext = { root, firebase, url, navigate: (path) => navigate(firebase, path) };
  const run = /^\/traces\/([^/]+)\/?$/.exec(url.pathname);
  if (session !== undefined) current = sessionPage(context, session);
  else if (url.pathname === "/" || url.pathname === "/index.html") current = listPage(context);
  else if (run) current = runPage(context, decodeURIComponent(run[1]!));
  else if (url.pathname === "/reports" || url.pathname === "/reports/") current = reportsPage(context);
  else if (url.pathname === "/compare" || url.pathname === "/compare/") current = comparePage(context);
  else {
    replaceChildren(root, h("div", { class: "not-found", "data-testid": "not-found" }, h("h1", {}, "Page not found"), h("a", { href: "/" }, "← The runs")));
    setReady("not-found");
    current = undefined;
  }
}

function navigate(firebase: ViewerFirebase, path: string): void {
  if (path !== location.pathname + location.search) history.pushState(null, "", path);
  route(firebase);
}

/** Same-origin links change the page without reloading the app. */
function interceptLinks(firebase: ViewerFirebase): void {
  document.addEventListener("click", (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = (event.target as Element | null)?.closest("a");
    const href = link?.getAttribute("href");
    if (!link || !href || link.hasAttribute("download") || link.target || !href.startsWith("/")) return;
    event.preventDefault();
    navigate(firebase, href);
  });
  window.addEventListener("popstate", () => route(firebase));
}

function showSignedIn(firebase: ViewerFirebase, state: SignInState): void {
  if (state.kind === "signed-out") {
    replaceChildren(who);
    return;
  }
  const label = state.user.email ?? state.user.uid;
  replaceChildren(
    who,
    firebase.emulators ? `${label} (local admin, emulators)` : label,
    firebase.emulators ? null : h("button", { type: "button", class: "link", onclick: () => void signOutOf(firebase).then(() => location.reload()) }, "Sign out"),
  );
}

/** The screen before the runs: sign in with Google, or the plain answer that this account is not an admin. */
function showGate(firebase: ViewerFirebase, state: Exclude<SignInState, { kind: "admin" }>): void {
  const signIn = h("button", { type: "button", onclick: () => void signInWithGoogle(firebase).then((next) => start(firebase, next), (error: unknown) => root.append(errorBox(error))) }, "Sign in with Google");
  if (state.kind === "signed-out") {
    replaceChildren(root, h("div", { class: "gate" }, h("h1", {}, "Sign in"), h("p", {}, `Traces of ${firebase.projectId} are readable by admins only.`), signIn));
  } else {
    const account = state.user.email ?? state.user.uid;
    replaceChildren(
      root,
      h(
        "div",
        { class: "gate", "data-testid": "not-admin" },
        h("h1", {}, "Not an admin"),
        h("p", {}, `You are signed in as ${account}, which does not have the admin claim. Traces are readable by admins only.`),
        h("p", {}, "A project owner grants it with:"),
        h("pre", {}, `npm run traces -- grant-admin ${account} --project ${firebase.projectId}`),
        h("p", {}, "then sign out and in again here."),
        h("button", { type: "button", onclick: () => void signOutOf(firebase).then(() => location.reload()) }, "Sign out"),
      ),
    );
  }
  setReady("signin");
}

function start(firebase: ViewerFirebase, state: SignInState): void {
  showSignedIn(firebase, state);
  if (state.kind !== "admin") {
    showGate(firebase, state);
    return;
  }
  route(firebase);
}

async function main(): Promise<void> {
  let firebase: ViewerFirebase | undefined;
  try {
    firebase = await connectFirebase();
    const state = await establishSession(firebase);
    interceptLinks(firebase);
    start(firebase, state);
  } catch (error) {
    const localHint = firebase?.emulators
      ? h("p", {}, `Signing in as the local admin (${LOCAL_ADMIN.email}) failed: is the stack running (npm start)?`)
      : null;
    replaceChildren(root, errorBox(error), localHint);
  }
}

void main();
