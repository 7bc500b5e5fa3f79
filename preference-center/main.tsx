// Entry of the preference center bundle: reads the page data the server injected and
// renders the app into #app.
import { render } from 'preact';
import { App } from './app';
import { readPageData } from './page-data';
import './styles.css';

const page = readPageData(document);
render(<App page={page} />, document.getElementById('app')!);
