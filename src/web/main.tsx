import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { QueryClientProvider, queryClient } from './components/queries.ts';
import { initI18n } from './i18n/i18n.ts';
import { RouterProvider } from './router.tsx';
import './styles/base.css';
import './styles/components.css';
import './styles/cases.css';
import './styles/evidence.css';
import './styles/peers.css';
import './styles/home.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
const container = root;

// The first page is drawn in the user's language, so its translations (one file, fetched on demand) come first.
void initI18n().then(() =>
  createRoot(container).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <RouterProvider>
          <App />
        </RouterProvider>
      </QueryClientProvider>
    </StrictMode>,
  ),
);
