import { render } from 'preact';
import { App } from './app';
import { installLinkHandler } from './lib/router';
import './styles.css';

installLinkHandler();
const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(<App />, root);
}
