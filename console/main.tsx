// Entry of the console bundle: renders the app into #app. The page carries no data;
// everything comes from the API once a staff member is signed in.
import { render } from 'preact';
import { App } from './app';
import './styles.css';

render(<App />, document.getElementById('app')!);
